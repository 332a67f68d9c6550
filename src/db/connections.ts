/**
 * The NotionConnection repository: one Notion workspace link per user, its access token
 * encrypted with the TokenCipher before it reaches the database.
 */
import type { Database } from "./client.ts";
import type { TokenCipher } from "./token-cipher.ts";

/** What a Notion OAuth exchange granted; src/notion names it NotionGrant. */
export interface GrantToSave {
  accessToken: string;
  workspaceId: string;
  workspaceName?: string;
  workspaceIcon?: string;
  botId: string;
}

/** Every read and write of the NotionConnection table. */
export interface ConnectionRepository {
  /** Stores the user's connection; linking again replaces the old token and clears a revocation. */
  save(userId: string, grant: GrantToSave): Promise<void>;
  /** The user's decrypted access token; undefined when they never linked or Notion revoked it. */
  loadAccessToken(userId: string): Promise<string | undefined>;
  /** The decrypted access token with the workspace it belongs to (whose rate limit it shares). */
  loadAuth(userId: string): Promise<{ accessToken: string; workspaceId: string } | undefined>;
  /** The connected workspace (its name, when Notion gave one); undefined when not linked or revoked. */
  liveWorkspace(userId: string): Promise<{ name: string | null } | undefined>;
  /** Records that Notion refused the token (the user removed the integration); linking again clears it. */
  markRevoked(userId: string): Promise<void>;
  /** Forgets the user's connection and their synced schemas; the pages in Notion stay. */
  remove(userId: string): Promise<void>;
}

/** The connection repository over Postgres or PGlite, encrypting tokens with `cipher`. */
export function createConnectionRepository(db: Database, cipher: TokenCipher): ConnectionRepository {
  const { prisma } = db;
  const loadAuth: ConnectionRepository["loadAuth"] = async (userId) => {
    const row = await prisma.notionConnection.findUnique({
      where: { userId },
      select: { accessTokenEncrypted: true, tokenKeyId: true, revokedAt: true, workspaceId: true },
    });
    if (!row || row.revokedAt) return undefined;
    return { accessToken: cipher.decrypt(row.accessTokenEncrypted, row.tokenKeyId), workspaceId: row.workspaceId };
  };
  return {
    async save(userId, grant) {
      const { ciphertext, keyId } = cipher.encrypt(grant.accessToken);
      const fields = {
        workspaceId: grant.workspaceId,
        workspaceName: grant.workspaceName ?? null,
        workspaceIcon: grant.workspaceIcon ?? null,
        botId: grant.botId,
        accessTokenEncrypted: ciphertext,
        tokenKeyId: keyId,
        revokedAt: null,
      };
      await prisma.notionConnection.upsert({ where: { userId }, create: { userId, ...fields }, update: fields });
    },
    async loadAccessToken(userId) {
      return (await loadAuth(userId))?.accessToken;
    },
    loadAuth,
    async liveWorkspace(userId) {
      const connection = await prisma.notionConnection.findUnique({ where: { userId }, select: { workspaceName: true, revokedAt: true } });
      if (!connection || connection.revokedAt) return undefined;
      return { name: connection.workspaceName };
    },
    async markRevoked(userId) {
      await prisma.notionConnection.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date() } });
    },
    async remove(userId) {
      await prisma.$transaction([prisma.notionSchema.deleteMany({ where: { userId } }), prisma.notionConnection.deleteMany({ where: { userId } })]);
    },
  };
}

/**
 * The NotionConnection repository: one Notion workspace link per user, its access token
 * encrypted with the TokenCipher before it reaches the database.
 */
import type { Database } from "./client.ts";
import type { TokenCipher } from "./token-cipher.ts";

/** What a Notion OAuth exchange granted; src/notion names it NotionGrant. */
export interface GrantToSave {
  accessToken: string;
  /** The token that gets a new pair when the access token expires (Notion rotates both). */
  refreshToken?: string;
  workspaceId: string;
  workspaceName?: string;
  workspaceIcon?: string;
  botId: string;
}

/** A person's live Notion tokens, decrypted. */
export interface NotionAuth {
  accessToken: string;
  /** Absent for connections made before Notion issued refresh tokens. */
  refreshToken: string | undefined;
  workspaceId: string;
}

/** Every read and write of the NotionConnection table. */
export interface ConnectionRepository {
  /** Stores the user's connection; linking again replaces the old token and clears a revocation. */
  save(userId: string, grant: GrantToSave): Promise<void>;
  /** The user's decrypted access token; undefined when they never linked or Notion revoked it. */
  loadAccessToken(userId: string): Promise<string | undefined>;
  /** The decrypted tokens with the workspace they belong to (whose rate limit they share); undefined when not linked or revoked. */
  loadAuth(userId: string): Promise<NotionAuth | undefined>;
  /** Replaces both tokens after a refresh (Notion rotated them); nothing changes on a revoked or removed connection. */
  saveRefreshed(userId: string, tokens: { accessToken: string; refreshToken: string }): Promise<void>;
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
      select: { accessTokenEncrypted: true, refreshTokenEncrypted: true, tokenKeyId: true, revokedAt: true, workspaceId: true },
    });
    if (!row || row.revokedAt) return undefined;
    return {
      accessToken: cipher.decrypt(row.accessTokenEncrypted, row.tokenKeyId),
      refreshToken: row.refreshTokenEncrypted ? cipher.decrypt(row.refreshTokenEncrypted, row.tokenKeyId) : undefined,
      workspaceId: row.workspaceId,
    };
  };
  const encryptPair = (accessToken: string, refreshToken: string | undefined) => {
    const access = cipher.encrypt(accessToken);
    // The cipher encrypts with its first key, so the access token's key id decrypts the pair.
    const refresh = refreshToken === undefined ? null : cipher.encrypt(refreshToken).ciphertext;
    return { accessTokenEncrypted: access.ciphertext, refreshTokenEncrypted: refresh, tokenKeyId: access.keyId };
  };
  return {
    async save(userId, grant) {
      const fields = {
        workspaceId: grant.workspaceId,
        workspaceName: grant.workspaceName ?? null,
        workspaceIcon: grant.workspaceIcon ?? null,
        botId: grant.botId,
        ...encryptPair(grant.accessToken, grant.refreshToken),
        revokedAt: null,
      };
      await prisma.notionConnection.upsert({ where: { userId }, create: { userId, ...fields }, update: fields });
    },
    async loadAccessToken(userId) {
      return (await loadAuth(userId))?.accessToken;
    },
    loadAuth,
    async saveRefreshed(userId, tokens) {
      await prisma.notionConnection.updateMany({ where: { userId, revokedAt: null }, data: encryptPair(tokens.accessToken, tokens.refreshToken) });
    },
    async liveWorkspace(userId) {
      // Plain SQL: asked for with every message of links (issue 18, as `schemas.list`).
      const { rows } = await db.sql.query<{ name: string | null }>(
        `SELECT "workspaceName" AS name FROM "NotionConnection" WHERE "userId" = $1::uuid AND "revokedAt" IS NULL`,
        [userId],
      );
      return rows[0] ? { name: rows[0].name } : undefined;
    },
    async markRevoked(userId) {
      await prisma.notionConnection.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date() } });
    },
    async remove(userId) {
      await prisma.$transaction([prisma.notionSchema.deleteMany({ where: { userId } }), prisma.notionConnection.deleteMany({ where: { userId } })]);
    },
  };
}

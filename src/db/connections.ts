import { Prisma, type PrismaClient } from "./generated/client.ts";
import type { TokenCipher } from "./token-cipher.ts";

/**
 * The NotionConnection repository: one Notion workspace link per user, its access token
 * encrypted with the TokenCipher before it reaches the database.
 */

/** What a Notion OAuth exchange granted; src/notion names it NotionGrant. */
export interface GrantToSave {
  accessToken: string;
  workspaceId: string;
  workspaceName?: string;
  workspaceIcon?: string;
  botId: string;
  /** Notion's `owner` object (the user who connected), kept as-is for the record. */
  owner: unknown;
}

function ownerJson(owner: unknown): Prisma.InputJsonValue | typeof Prisma.JsonNull {
  if (owner === undefined || owner === null) return Prisma.JsonNull;
  // Round-trip so only plain JSON (no class instances, no undefined) is stored.
  return JSON.parse(JSON.stringify(owner)) as Prisma.InputJsonValue;
}

/** Stores the user's connection; linking again replaces the old token and clears a revocation. */
export async function saveConnection(prisma: PrismaClient, cipher: TokenCipher, userId: string, grant: GrantToSave): Promise<void> {
  const { ciphertext, keyId } = cipher.encrypt(grant.accessToken);
  const fields = {
    workspaceId: grant.workspaceId,
    workspaceName: grant.workspaceName ?? null,
    workspaceIcon: grant.workspaceIcon ?? null,
    botId: grant.botId,
    ownerJson: ownerJson(grant.owner),
    accessTokenEncrypted: ciphertext,
    tokenKeyId: keyId,
    revokedAt: null,
  };
  await prisma.notionConnection.upsert({ where: { userId }, create: { userId, ...fields }, update: fields });
}

/** The user's decrypted access token; undefined when they never linked or Notion revoked it. */
export async function loadAccessToken(prisma: PrismaClient, cipher: TokenCipher, userId: string): Promise<string | undefined> {
  const row = await prisma.notionConnection.findUnique({
    where: { userId },
    select: { accessTokenEncrypted: true, tokenKeyId: true, revokedAt: true },
  });
  if (!row || row.revokedAt) return undefined;
  return cipher.decrypt(row.accessTokenEncrypted, row.tokenKeyId);
}

/** Records that Notion refused the token (the user removed the integration); linking again clears it. */
export async function markConnectionRevoked(prisma: PrismaClient, userId: string): Promise<void> {
  await prisma.notionConnection.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date() } });
}

/** Forgets the user's connection and their synced schemas; the pages in Notion stay. */
export async function deleteConnection(prisma: PrismaClient, userId: string): Promise<void> {
  await prisma.$transaction([
    prisma.notionSchema.deleteMany({ where: { userId } }),
    prisma.notionConnection.deleteMany({ where: { userId } }),
  ]);
}

import type { PrismaClient } from "../db/client.ts";
import { UserFacingError } from "../errors.ts";
import type { NotionApi } from "./client.ts";
import { discoverDataSources } from "./discovery.ts";
import { REVOKED_MESSAGE } from "./errors.ts";
import { syncSchemas, type NotionSchemaRow } from "./schema-store.ts";

/**
 * Re-reads every data source the person shared and stores them (`/tag refresh`, and after a
 * publish fails because the schema changed or access was removed).
 */
export async function refreshUserSchemas(
  api: NotionApi,
  prisma: PrismaClient,
  userId: string,
  loadToken: (userId: string) => Promise<string | undefined>,
): Promise<NotionSchemaRow[]> {
  const token = await loadToken(userId);
  if (!token) throw new UserFacingError("notion_revoked", REVOKED_MESSAGE);
  return syncSchemas(prisma, userId, await discoverDataSources(api, token));
}

import type { NotionSchema, SchemaRepository } from "../db/schemas.ts";
import { UserFacingError } from "../errors.ts";
import type { NotionApi } from "../notion/client.ts";
import { discoverDataSources } from "../notion/discovery.ts";
import { REVOKED_MESSAGE } from "../notion/errors.ts";

/**
 * Re-reads every data source the person shared and stores them (`/tag refresh`, and after a
 * publish fails because the schema changed or access was removed).
 */
export async function refreshUserSchemas(
  api: NotionApi,
  schemas: SchemaRepository,
  userId: string,
  loadToken: (userId: string) => Promise<string | undefined>,
): Promise<NotionSchema[]> {
  const token = await loadToken(userId);
  if (!token) throw new UserFacingError("notion_revoked", REVOKED_MESSAGE);
  return schemas.sync(userId, await discoverDataSources(api, token));
}

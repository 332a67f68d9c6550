import path from "node:path";
import { fileURLToPath } from "node:url";
import { generateSdkSchema, sdkSchemaSource, type SchemaSource } from "../validation/sdk-schema.ts";

/**
 * Generates the JSON Schema of Notion's request and response bodies from the SDK's types
 * (sdk-types.ts), and says which SDK version and types file a schema was made from.
 */

const HERE = path.dirname(fileURLToPath(import.meta.url));
const TYPES_FILE = path.join(HERE, "sdk-types.ts");

/** The file the checked-in schema lives in. */
export const NOTION_SCHEMA_FILE = path.join(HERE, "schema.json");

/** The bodies, by the names sdk-types.ts gives them. */
export const NOTION_BODIES = [
  "CreatePageBody",
  "AppendBlockChildrenBody",
  "OauthTokenBody",
  "OauthRevokeBody",
  "CreateFileUploadBody",
  "QueryDataSourceBody",
  "SearchBody",
  "CreatePageAnswer",
  "AppendBlockChildrenAnswer",
  "ListBlockChildrenAnswer",
  "OauthTokenAnswer",
  "OauthRevokeAnswer",
  "CreateFileUploadAnswer",
  "QueryDataSourceAnswer",
  "SearchAnswer",
  "GetDataSourceAnswer",
  "GetDatabaseAnswer",
  "GetPageAnswer",
  "SendFileUploadAnswer",
  "CompleteFileUploadAnswer",
  "GetFileUploadAnswer",
  "UpdatePageBody",
  "UpdatePageAnswer",
] as const;

/** What a schema made now would be generated from. */
export function notionSchemaSource(): SchemaSource {
  return sdkSchemaSource("@notionhq/client", TYPES_FILE);
}

/** Runs ts-json-schema-generator over sdk-types.ts (about 30 s): one draft-07 document with every body under `definitions`. */
export function generateNotionSchema(): Record<string, unknown> {
  return generateSdkSchema("@notionhq/client", TYPES_FILE, NOTION_BODIES);
}

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createGenerator } from "ts-json-schema-generator";

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
] as const;

/** What a schema was generated from: the installed SDK's version and the types file's sha256. */
export function notionSchemaSource(): { package: string; version: string; typesSha256: string } {
  const manifest = JSON.parse(readFileSync(path.resolve("node_modules/@notionhq/client/package.json"), "utf8")) as { version: string };
  return { package: "@notionhq/client", version: manifest.version, typesSha256: createHash("sha256").update(readFileSync(TYPES_FILE)).digest("hex") };
}

/** Runs ts-json-schema-generator over sdk-types.ts (about 20 s): one draft-07 document with every body under `definitions`. */
export function generateNotionSchema(): Record<string, unknown> {
  const generator = createGenerator({ path: TYPES_FILE, tsconfig: path.resolve("tsconfig.json"), skipTypeCheck: true, expose: "export", topRef: true, additionalProperties: false });
  const definitions: Record<string, unknown> = {};
  for (const name of NOTION_BODIES) Object.assign(definitions, generator.createSchema(name).definitions);
  return { $schema: "http://json-schema.org/draft-07/schema#", "x-generatedFrom": notionSchemaSource(), definitions };
}

/**
 * Regenerates test/contracts/notion/schema.json from the installed @notionhq/client's types;
 * run it after upgrading the SDK or editing test/contracts/notion/sdk-types.ts.
 *
 *   node scripts/generate-notion-schema.ts
 */
import { writeFile } from "node:fs/promises";
import { generateNotionSchema, NOTION_SCHEMA_FILE } from "../test/contracts/notion/generate.ts";

const schema = generateNotionSchema();
await writeFile(NOTION_SCHEMA_FILE, `${JSON.stringify(schema, null, 1)}\n`);
console.log(`wrote ${NOTION_SCHEMA_FILE} (${Object.keys(schema.definitions as object).length} definitions)`);

/**
 * Regenerates the JSON Schemas made from SDK types: test/contracts/notion/schema.json from
 * @notionhq/client and test/contracts/gemini/schema.json from @google/genai. Run it after
 * upgrading either SDK or editing a test/contracts/<service>/sdk-types.ts.
 *
 *   node scripts/generate-sdk-schemas.ts [notion|gemini]
 */
import { writeFile } from "node:fs/promises";
import { GEMINI_SCHEMA_FILE, generateGeminiSchema } from "../test/contracts/gemini/generate.ts";
import { generateNotionSchema, NOTION_SCHEMA_FILE } from "../test/contracts/notion/generate.ts";

const SCHEMAS = { notion: [NOTION_SCHEMA_FILE, generateNotionSchema], gemini: [GEMINI_SCHEMA_FILE, generateGeminiSchema] } as const;

const wanted = process.argv[2];
if (wanted !== undefined && !(wanted in SCHEMAS)) throw new Error(`unknown schema "${wanted}"; say notion or gemini`);
for (const [name, [file, generate]] of Object.entries(SCHEMAS)) {
  if (wanted !== undefined && name !== wanted) continue;
  const schema = generate();
  await writeFile(file, `${JSON.stringify(schema, null, 1)}\n`);
  console.log(`wrote ${file} (${Object.keys(schema.definitions as object).length} definitions)`);
}

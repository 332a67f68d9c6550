import path from "node:path";
import { fileURLToPath } from "node:url";
import { generateSdkSchema, sdkSchemaSource, type SchemaSource } from "../validation/sdk-schema.ts";

/**
 * Generates the JSON Schema of the Gemini bodies from @google/genai's types (sdk-types.ts), and
 * says which SDK version and types file a schema was made from.
 */

const HERE = path.dirname(fileURLToPath(import.meta.url));
const TYPES_FILE = path.join(HERE, "sdk-types.ts");

/** The file the checked-in schema lives in. */
export const GEMINI_SCHEMA_FILE = path.join(HERE, "schema.json");

/** The bodies, by the names sdk-types.ts gives them. */
export const GEMINI_BODIES = ["GenerateContentBody", "GenerateContentAnswer", "GetModelAnswer"] as const;

/** What a schema made now would be generated from. */
export function geminiSchemaSource(): SchemaSource {
  return sdkSchemaSource("@google/genai", TYPES_FILE);
}

/** Runs ts-json-schema-generator over sdk-types.ts: one draft-07 document with every body under `definitions`. */
export function generateGeminiSchema(): Record<string, unknown> {
  return generateSdkSchema("@google/genai", TYPES_FILE, GEMINI_BODIES);
}

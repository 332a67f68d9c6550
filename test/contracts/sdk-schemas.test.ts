import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { GEMINI_BODIES, GEMINI_SCHEMA_FILE, geminiSchemaSource } from "./gemini/generate.ts";
import { NOTION_BODIES, NOTION_SCHEMA_FILE, notionSchemaSource } from "./notion/generate.ts";
import type { SchemaSource } from "./validation/sdk-schema.ts";

const SCHEMAS: [string, string, SchemaSource, readonly string[]][] = [
  ["@notionhq/client", NOTION_SCHEMA_FILE, notionSchemaSource(), NOTION_BODIES],
  ["@google/genai", GEMINI_SCHEMA_FILE, geminiSchemaSource(), GEMINI_BODIES],
];

describe("the JSON Schemas generated from SDK types", () => {
  it.each(SCHEMAS)("%s's was generated from the installed SDK and the current sdk-types.ts (else run scripts/generate-sdk-schemas.ts)", (_sdk, file, source, bodies) => {
    const schema = JSON.parse(readFileSync(file, "utf8")) as { "x-generatedFrom": unknown; definitions: Record<string, unknown> };
    expect(schema["x-generatedFrom"]).toEqual(source);
    for (const name of bodies) expect(schema.definitions, name).toHaveProperty(name);
  });
});

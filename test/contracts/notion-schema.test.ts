import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { NOTION_BODIES, NOTION_SCHEMA_FILE, notionSchemaSource } from "./notion/generate.ts";

describe("the Notion schema generated from @notionhq/client's types", () => {
  it("was generated from the installed SDK and the current sdk-types.ts (else run scripts/generate-notion-schema.ts)", () => {
    const schema = JSON.parse(readFileSync(NOTION_SCHEMA_FILE, "utf8")) as { "x-generatedFrom": unknown; definitions: Record<string, unknown> };
    expect(schema["x-generatedFrom"]).toEqual(notionSchemaSource());
    for (const name of NOTION_BODIES) expect(schema.definitions, name).toHaveProperty(name);
  });
});

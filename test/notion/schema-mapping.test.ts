import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  buildPageProperties,
  buildSummarySchema,
  findSavedDateProperty,
  findSourceUrlProperty,
  type NotionProperties,
} from "../../src/notion/schema-mapping.ts";
import type { SummarySchema } from "../../src/summary.ts";
import { fillSummary } from "./fill-summary.ts";

function fixture(name: string, index = 0): NotionProperties {
  const file = JSON.parse(readFileSync(new URL(`../fixtures/workspaces/${name}.json`, import.meta.url), "utf8"));
  return file.dataSources[index].properties;
}

const GEMINI_KEYWORDS = new Set(["type", "format", "description", "nullable", "enum", "items", "properties", "required", "propertyOrdering", "minItems", "maxItems"]);

function keywordsOf(schema: SummarySchema): string[] {
  const own = Object.keys(schema);
  const nested = [
    ...(schema.items ? keywordsOf(schema.items) : []),
    ...Object.values(schema.properties ?? {}).flatMap(keywordsOf),
  ];
  return [...own, ...nested];
}

const context = { sourceUrl: "https://www.tiktok.com/@cook/video/7300000000000000001", today: "2025-06-01" };

describe("buildSummarySchema", () => {
  it("offers every writable kind with its Gemini type and leaves read-only kinds out", () => {
    const { schema } = buildSummarySchema(fixture("recipes"));
    const fields = schema.properties!.properties!.properties!;
    expect(Object.keys(fields)).toEqual(["Name", "Cuisine", "Diet", "Status", "Servings", "Vegetarian", "Cook on", "Chef email", "Shop phone", "Notes"]);
    expect(fields.Cuisine).toMatchObject({ type: "STRING", enum: ["Italian", "Japanese", "Mexican", "Indian", "French"] });
    expect(fields.Diet).toMatchObject({ type: "ARRAY", items: { type: "STRING", enum: ["Vegan", "Vegetarian", "Gluten-free", "High protein"] } });
    expect(fields.Status).toMatchObject({ type: "STRING", enum: ["To try", "Cooked", "Favourite"] });
    expect(fields.Servings!.type).toBe("NUMBER");
    expect(fields.Vegetarian!.type).toBe("BOOLEAN");
    expect(fields["Cook on"]!.type).toBe("STRING");
    expect(fields.Cuisine!.description).toContain("Where the dish comes from.");
  });

  it("keeps the source link and the saved date out of the model's hands", () => {
    const fields = buildSummarySchema(fixture("recipes")).schema.properties!.properties!.properties!;
    expect(fields).not.toHaveProperty("Source");
    expect(fields).not.toHaveProperty("Date added");
  });

  it("uses only the keywords Gemini's responseSchema accepts", () => {
    for (const name of ["recipes", "wide", "odd-names", "japanese"]) {
      const { schema } = buildSummarySchema(fixture(name));
      expect(keywordsOf(schema).filter((k) => !GEMINI_KEYWORDS.has(k))).toEqual([]);
    }
  });

  it("requires title, summary, key points and properties at the top level", () => {
    const { schema } = buildSummarySchema(fixture("title-only"));
    expect(schema.required).toEqual(["title", "summary", "keyPoints", "properties"]);
    expect(Object.keys(schema.properties!.properties!.properties!)).toEqual(["Task"]);
  });

  it("keeps property names with any Unicode, quotes, dots and slashes as they are", () => {
    const { schema, propertyGuide } = buildSummarySchema(fixture("odd-names"));
    const names = Object.keys(schema.properties!.properties!.properties!);
    expect(names).toEqual(['Title "quoted"', "v1.2 notes", "Prep/Cook time", "🔥 Hot?", "a.b.c", "Other site", 'It\'s "fine"/ok.']);
    expect(propertyGuide).toContain('"Prep/Cook time" (number)');
    expect(propertyGuide).toContain('"a.b.c" (select; options: "x.y", "it\'s", "\\"q\\"")');
  });

  it("handles a data source with more than 60 properties", () => {
    const props = fixture("wide");
    expect(Object.keys(props).length).toBeGreaterThan(60);
    const { schema } = buildSummarySchema(props);
    const fields = schema.properties!.properties!.properties!;
    const readOnly = new Set(["formula", "people", "created_time"]);
    const writable = Object.values(props).filter((p) => !readOnly.has(p.type) && p.name !== "Source link");
    expect(Object.keys(fields)).toHaveLength(writable.length);
    expect(schema.properties!.properties!.propertyOrdering).toEqual(Object.keys(fields));
  });
});

describe("choosing the source and saved-date properties", () => {
  it.each([
    ["recipes", 0, "Source", "Date added"],
    ["japanese", 0, "リンク", "保存日"],
    ["watch-later", 0, "Video URL", "Date Added"],
    ["several-urls", 0, "Video link", undefined],
    ["odd-names", 0, "Source (original)", "Saved at"],
    ["cyrillic", 0, "Источник", "Добавлено"],
    ["workouts", 0, "Link", "Saved on"],
    ["multi-source", 2, "Clip", undefined],
    ["title-only", 0, undefined, undefined],
    ["no-url", 0, undefined, undefined],
  ])("%s[%i]: link goes to %s, today to %s", (name, index, source, saved) => {
    const props = fixture(name, index);
    expect(findSourceUrlProperty(props)).toBe(source);
    expect(findSavedDateProperty(props)).toBe(saved);
  });

  it("picks no url property when several exist and none names a source", () => {
    const props: NotionProperties = {
      Name: { id: "title", name: "Name", type: "title" },
      Website: { id: "a", name: "Website", type: "url" },
      Shop: { id: "b", name: "Shop", type: "url" },
    };
    expect(findSourceUrlProperty(props)).toBeUndefined();
  });
});

describe("buildPageProperties", () => {
  const recipes = fixture("recipes");

  it("writes the model's values in Notion's request shapes plus the link and today's date", () => {
    const summary = fillSummary(buildSummarySchema(recipes).schema);
    const values = buildPageProperties(recipes, summary, context);
    expect(values.Cuisine).toEqual({ select: { name: "Italian" } });
    expect(values.Diet).toEqual({ multi_select: [{ name: "Vegan" }, { name: "Vegetarian" }] });
    expect(values.Status).toEqual({ status: { name: "To try" } });
    expect(values.Servings).toEqual({ number: 4 });
    expect(values.Vegetarian).toEqual({ checkbox: true });
    expect(values["Cook on"]).toEqual({ date: { start: "2025-01-31" } });
    expect(values.Source).toEqual({ url: context.sourceUrl });
    expect(values["Date added"]).toEqual({ date: { start: "2025-06-01" } });
    expect(Object.keys(values)).not.toContain("Calories");
  });

  it("drops options that do not exist, bad dates, bad URLs and hallucinated properties", () => {
    const values = buildPageProperties(
      recipes,
      {
        title: "T",
        summary: "",
        keyPoints: [],
        properties: {
          Cuisine: "Martian",
          Diet: ["vegan", "Carnivore"],
          "Cook on": "next Tuesday",
          "Chef email": "not an email",
          "Shop phone": "Quick tomato pasta in ten minutes",
          Servings: "four",
          Calories: 500,
          Invented: "x",
        },
      },
      context,
    );
    expect(values.Cuisine).toBeUndefined();
    expect(values.Diet).toEqual({ multi_select: [{ name: "Vegan" }] });
    expect(values["Cook on"]).toBeUndefined();
    expect(values["Chef email"]).toBeUndefined();
    expect(values["Shop phone"]).toBeUndefined();
    expect(values.Servings).toBeUndefined();
    expect(values).not.toHaveProperty("Calories");
    expect(values).not.toHaveProperty("Invented");
  });

  it("keeps a real phone number", () => {
    const values = buildPageProperties(recipes, { title: "T", summary: "", keyPoints: [], properties: { "Shop phone": "+44 (20) 7946-0958" } }, context);
    expect(values["Shop phone"]).toEqual({ phone_number: "+44 (20) 7946-0958" });
  });

  it("uses summary.title for the title property when the model left it out", () => {
    const values = buildPageProperties(recipes, { title: "Miso soup", summary: "", keyPoints: [], properties: {} }, context);
    expect(values.Name).toEqual({ title: [{ type: "text", text: { content: "Miso soup" } }] });
  });

  it("splits long text into pieces of 2000 characters, at most 100", () => {
    const long = "x".repeat(2000 * 120);
    const values = buildPageProperties(recipes, { title: "T", summary: "", keyPoints: [], properties: { Notes: long } }, context);
    const pieces = (values.Notes as { rich_text: { text: { content: string } }[] }).rich_text;
    expect(pieces).toHaveLength(100);
    expect(pieces.every((p) => p.text.content.length === 2000)).toBe(true);
  });
});

import type { SummaryInput, SummarySchema } from "../../src/summary.ts";

/**
 * A schema shaped like the Notion room's `buildSummarySchema` output for a recipe database,
 * with a property name in non-Latin script, and the matching prompt material.
 */
export const RECIPE_SCHEMA: SummarySchema = {
  type: "OBJECT",
  properties: {
    title: { type: "STRING" },
    summary: { type: "STRING" },
    keyPoints: { type: "ARRAY", items: { type: "STRING" }, maxItems: 12 },
    properties: {
      type: "OBJECT",
      properties: {
        Minutes: { type: "NUMBER", nullable: true },
        Cuisine: { type: "STRING", enum: ["Italian", "Mexican", "Japanese"], nullable: true },
        Tags: { type: "ARRAY", items: { type: "STRING", enum: ["Quick", "Vegan", "Dessert", "Pasta"] }, maxItems: 100, nullable: true },
        "Made it": { type: "BOOLEAN", nullable: true },
        "Cooked on": { type: "STRING", format: "date-time", nullable: true },
        "Café ☕ 笔记": { type: "STRING", nullable: true },
      },
      propertyOrdering: ["Minutes", "Cuisine", "Tags", "Made it", "Cooked on", "Café ☕ 笔记"],
    },
  },
  required: ["title", "summary", "keyPoints", "properties"],
  propertyOrdering: ["title", "summary", "keyPoints", "properties"],
};

/** A video that says "45 minutes", names one cuisine and two tags, and shows two captions. */
export const RECIPE_INPUT: SummaryInput = {
  sourceUrl: "https://www.tiktok.com/@cook/video/7300000000000000001",
  title: "Weeknight pasta",
  caption: "My go-to dinner #pasta #quick",
  uploader: "cook",
  hashtags: ["pasta", "quick"],
  transcript: "Today we cook an Italian pasta. It takes 45 minutes from start to finish. Quick enough for a weeknight.",
  onScreenText: "Step one: boil water\nStep two: add pasta",
  propertyGuide: [
    '- "Minutes" (number)',
    '- "Cuisine" (select; options: "Italian", "Mexican", "Japanese")',
    '- "Tags" (multi select; options: "Quick", "Vegan", "Dessert", "Pasta")',
    '- "Made it" (checkbox)',
    '- "Cooked on" (date)',
    '- "Café ☕ 笔记" (rich text)',
  ].join("\n"),
};

import { describe, expect, it } from "vitest";
import { checkAgainstSchema } from "../../src/ai/index.ts";
import { RECIPE_SCHEMA } from "./summary-schema.ts";

const valid = {
  title: "Pasta",
  summary: "A quick pasta.",
  keyPoints: ["Boil water."],
  properties: { Minutes: 45, Cuisine: "Italian", Tags: ["Quick"], "Made it": null, "Cooked on": "2025-03-14T18:00:00Z", "Café ☕ 笔记": "Good" },
};

describe("checking an answer against the summary schema", () => {
  it("accepts an answer that fits, with nulls where the schema allows them", () => {
    expect(checkAgainstSchema(valid, RECIPE_SCHEMA)).toEqual([]);
  });

  it("names every violation with its path", () => {
    const wrong = {
      title: 5,
      keyPoints: "one",
      properties: { Minutes: "45", Cuisine: "Thai", Tags: ["Quick", "Spicy"], "Cooked on": "next Tuesday", Extra: 1 },
    };
    expect(checkAgainstSchema(wrong, RECIPE_SCHEMA)).toEqual([
      '$."summary": required but missing',
      "$.\"title\": expected a string",
      '$."keyPoints": expected an array',
      '$."properties"."Minutes": expected a number',
      '$."properties"."Cuisine": "Thai" is not one of ["Italian","Mexican","Japanese"]',
      '$."properties"."Tags"[1]: "Spicy" is not one of ["Quick","Vegan","Dessert","Pasta"]',
      '$."properties"."Cooked on": expected a date-time like 2025-01-31T09:30:00Z',
      '$."properties"."Extra": not in the schema',
    ]);
  });

  it("refuses null where the schema does not allow it", () => {
    expect(checkAgainstSchema({ ...valid, title: null }, RECIPE_SCHEMA)).toEqual(['$."title": missing (expected string)']);
  });
});

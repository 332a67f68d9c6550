import type { Summary, SummarySchema } from "../../src/summary.ts";

/**
 * A summariser stand-in for tests: fills every property of a summary schema with a value of
 * the right shape (first enum option, a number, a date...), the way a well-behaved model would.
 */
function valueFor(schema: SummarySchema, name: string): unknown {
  switch (schema.type) {
    case "STRING":
      if (schema.enum) return schema.enum[0];
      if (schema.format === "date-time") return "2025-01-31";
      if (/url|link|site|page/i.test(name)) return "https://example.com/mentioned";
      if (/email/i.test(name)) return "chef@example.com";
      if (/phone/i.test(name)) return "+1 555 0100";
      return `Value for ${name}`;
    case "NUMBER":
    case "INTEGER":
      return 4;
    case "BOOLEAN":
      return true;
    case "ARRAY":
      return schema.items?.enum ? schema.items.enum.slice(0, 2) : ["one", "two"];
    default:
      return null;
  }
}

/** A complete Summary that satisfies `schema`. */
export function fillSummary(schema: SummarySchema, title = "Crispy tofu in ten minutes"): Summary {
  const fields = schema.properties?.properties?.properties ?? {};
  const properties: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(fields)) properties[name] = valueFor(field, name);
  return {
    title,
    summary: "A quick recipe: press the tofu, coat it in cornflour, fry until golden.",
    keyPoints: ["Press the tofu for ten minutes", "Use cornflour for crunch", "Fry in hot oil"],
    properties,
  };
}

import type { Material } from "./material.ts";

/**
 * Deterministic answers that satisfy a response schema and are drawn from the prompt's
 * material: enum options the material mentions, numbers next to a property's name
 * ("45 minutes" fills `Minutes`), dates it contains, and its sentences for text.
 */

type Schema = {
  type?: string;
  format?: string;
  nullable?: boolean;
  enum?: string[];
  items?: Schema;
  properties?: Record<string, Schema>;
  propertyOrdering?: string[];
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
};

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Where the material first mentions `phrase` as a whole word, or -1. */
function mentionAt(material: Material, phrase: string): number {
  const match = new RegExp(`(?<![\\p{L}\\p{N}])${escape(phrase)}(?![\\p{L}\\p{N}])`, "iu").exec(material.text);
  return match ? match.index : -1;
}

function mentionedOptions(material: Material, options: string[]): string[] {
  return options
    .map((option) => ({ option, at: mentionAt(material, option) }))
    .filter((o) => o.at >= 0)
    .sort((a, b) => a.at - b.at)
    .map((o) => o.option);
}

/** Words of a property name worth looking for, reduced to a stem ("Minutes" -> "minute"). */
function nameStems(name: string): string[] {
  return name
    .toLowerCase()
    .split(/[^\p{L}]+/u)
    .filter((w) => w.length >= 3)
    .map((w) => w.replace(/s$/, ""));
}

/** A number written next to a word of the property's name: "45 minutes", "rating: 4". */
function numberNear(material: Material, name: string): number | undefined {
  for (const stem of nameStems(name)) {
    const word = `${escape(stem)}\\p{L}*`;
    const before = new RegExp(`(-?\\d+(?:\\.\\d+)?)\\s*(?:[\\p{L}-]+\\s+){0,2}?${word}`, "iu").exec(material.text);
    if (before) return Number(before[1]);
    const after = new RegExp(`${word}[^\\p{L}\\d]{1,3}(?:[\\p{L}]+\\s+){0,2}?(-?\\d+(?:\\.\\d+)?)`, "iu").exec(material.text);
    if (after) return Number(after[1]);
  }
  return undefined;
}

function sentenceAbout(material: Material, name: string): string | undefined {
  const stems = nameStems(name);
  return material.sentences.find((s) => stems.some((stem) => s.toLowerCase().includes(stem))) ?? material.sentences[0];
}

/** The schema's enum, or (when the schema carries none) the options the prompt lists for the property. */
function optionsFor(schema: Schema, name: string, material: Material): string[] | undefined {
  return schema.enum ?? material.optionsByProperty[name];
}

function fillString(schema: Schema, name: string, material: Material): unknown {
  const options = optionsFor(schema, name, material);
  if (options) {
    return mentionedOptions(material, options)[0] ?? (schema.nullable ? null : (options[0] ?? ""));
  }
  if (schema.format === "date" || schema.format === "date-time") {
    const date = /\d{4}-\d{2}-\d{2}/.exec(material.text)?.[0];
    if (!date) return schema.nullable ? null : schema.format === "date" ? "2025-01-01" : "2025-01-01T00:00:00Z";
    return schema.format === "date" ? date : `${date}T00:00:00Z`;
  }
  const key = name.toLowerCase();
  if (/url|link/.test(key) && material.sourceUrl) return material.sourceUrl;
  if (key === "title") return (material.sentences[0] ?? "Untitled video").replace(/[.!?]+$/, "").slice(0, 80);
  if (key === "summary") return material.sentences.slice(0, 2).join(" ") || "No details were given.";
  const sentence = sentenceAbout(material, name);
  return sentence ?? (schema.nullable ? null : "");
}

function fillNumber(schema: Schema, name: string, material: Material, integer: boolean): unknown {
  const found = numberNear(material, name);
  if (found === undefined) return schema.nullable ? null : Math.max(0, schema.minimum ?? 0);
  let value = integer ? Math.round(found) : found;
  if (schema.minimum !== undefined) value = Math.max(schema.minimum, value);
  if (schema.maximum !== undefined) value = Math.min(schema.maximum, value);
  return value;
}

function fillArray(schema: Schema, name: string, material: Material): unknown[] {
  const items = schema.items ?? { type: "STRING" };
  const max = schema.maxItems ?? Infinity;
  const min = schema.minItems ?? 0;
  let values: unknown[];
  const options = optionsFor(items, name, material);
  if (options) {
    const mentioned = mentionedOptions(material, options);
    const rest = options.filter((o) => !mentioned.includes(o));
    values = [...mentioned, ...rest.slice(0, Math.max(0, min - mentioned.length))];
  } else if ((items.type ?? "").toUpperCase() === "STRING") {
    values = material.sentences.slice(0, Math.max(min, Math.min(max, 3)));
    while (values.length < min) values.push(`Point ${values.length + 1}.`);
  } else {
    values = Array.from({ length: min }, () => fillValue(items, name, material));
  }
  return values.slice(0, max);
}

/** A value for `schema` (the property called `name`) drawn from the material. */
export function fillValue(schema: Schema, name: string, material: Material): unknown {
  switch ((schema.type ?? "STRING").toUpperCase()) {
    case "OBJECT": {
      const properties = schema.properties ?? {};
      const order = [...(schema.propertyOrdering ?? []), ...Object.keys(properties)];
      const result: Record<string, unknown> = {};
      for (const key of new Set(order)) {
        if (properties[key]) result[key] = fillValue(properties[key], key, material);
      }
      return result;
    }
    case "ARRAY":
      return fillArray(schema, name, material);
    case "NUMBER":
      return fillNumber(schema, name, material, false);
    case "INTEGER":
      return fillNumber(schema, name, material, true);
    case "BOOLEAN": {
      const at = mentionAt(material, name);
      return at >= 0 && !/\b(no|not|never|without)\s+$/i.test(material.text.slice(Math.max(0, at - 12), at));
    }
    default:
      return fillString(schema, name, material);
  }
}

import type { SummarySchema } from "../summary.ts";

/**
 * Checks a model's answer against the Gemini responseSchema subset the summary uses
 * (types, enum, nullable, required, items, min/maxItems, date formats). Gemini is asked to
 * follow the schema but does not always; the Notion room must never receive a wrong shape.
 * Returns every violation with its JSON path; an empty list means the answer fits.
 */
export function checkAgainstSchema(value: unknown, schema: SummarySchema, path = "$"): string[] {
  if (value === null || value === undefined) {
    return schema.nullable && value === null ? [] : [`${path}: missing (expected ${schema.type.toLowerCase()})`];
  }
  switch (schema.type.toUpperCase()) {
    case "STRING":
      return checkString(value, schema, path);
    case "NUMBER":
      return typeof value === "number" && Number.isFinite(value) ? [] : [`${path}: expected a number`];
    case "INTEGER":
      return Number.isInteger(value) ? [] : [`${path}: expected an integer`];
    case "BOOLEAN":
      return typeof value === "boolean" ? [] : [`${path}: expected true or false`];
    case "ARRAY":
      return checkArray(value, schema, path);
    case "OBJECT":
      return checkObject(value, schema, path);
    default:
      return [`${path}: schema type ${schema.type} is not supported`];
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/;

function checkString(value: unknown, schema: SummarySchema, path: string): string[] {
  if (typeof value !== "string") return [`${path}: expected a string`];
  if (schema.enum && !schema.enum.includes(value)) return [`${path}: "${value}" is not one of ${JSON.stringify(schema.enum)}`];
  if (schema.format === "date" && !(DATE.test(value) && !Number.isNaN(Date.parse(value)))) {
    return [`${path}: expected a date like 2025-01-31`];
  }
  if (schema.format === "date-time" && !((DATE_TIME.test(value) || DATE.test(value)) && !Number.isNaN(Date.parse(value)))) {
    return [`${path}: expected a date-time like 2025-01-31T09:30:00Z`];
  }
  return [];
}

function checkArray(value: unknown, schema: SummarySchema, path: string): string[] {
  if (!Array.isArray(value)) return [`${path}: expected an array`];
  const problems: string[] = [];
  if (schema.minItems !== undefined && value.length < schema.minItems) problems.push(`${path}: needs at least ${schema.minItems} items`);
  if (schema.maxItems !== undefined && value.length > schema.maxItems) problems.push(`${path}: allows at most ${schema.maxItems} items`);
  if (schema.items) value.forEach((item, i) => problems.push(...checkAgainstSchema(item, schema.items!, `${path}[${i}]`)));
  return problems;
}

function checkObject(value: unknown, schema: SummarySchema, path: string): string[] {
  if (typeof value !== "object" || Array.isArray(value)) return [`${path}: expected an object`];
  const record = value as Record<string, unknown>;
  const properties = schema.properties ?? {};
  const problems: string[] = [];
  for (const name of schema.required ?? []) {
    if (!(name in record)) problems.push(`${path}.${JSON.stringify(name)}: required but missing`);
  }
  for (const [name, item] of Object.entries(record)) {
    const propertySchema = properties[name];
    if (!propertySchema) problems.push(`${path}.${JSON.stringify(name)}: not in the schema`);
    else if (item !== undefined) problems.push(...checkAgainstSchema(item, propertySchema, `${path}.${JSON.stringify(name)}`));
  }
  return problems;
}

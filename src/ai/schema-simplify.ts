import type { SummarySchema } from "../summary.ts";

/** Enum sizes kept at each simplification: first long option lists go, then every list. */
const ENUM_LIMITS = [32, 0];

function withoutEnumsLargerThan(schema: SummarySchema, limit: number): SummarySchema {
  const { enum: values, items, properties, ...rest } = schema;
  return {
    ...rest,
    ...(values && values.length <= limit ? { enum: values } : {}),
    ...(items ? { items: withoutEnumsLargerThan(items, limit) } : {}),
    ...(properties ? { properties: Object.fromEntries(Object.entries(properties).map(([name, p]) => [name, withoutEnumsLargerThan(p, limit)])) } : {}),
  };
}

function enumCount(schema: SummarySchema): number {
  const children = [...(schema.items ? [schema.items] : []), ...Object.values(schema.properties ?? {})];
  return children.reduce((sum, child) => sum + enumCount(child), schema.enum ? 1 : 0);
}

/**
 * A simpler response schema after Gemini refused `schema` as too complex to serve ("too many
 * states"), or undefined when nothing is left to drop. Enum lists (a Notion select's options)
 * are what makes our schemas large: the longest go first, then all. The prompt still lists every
 * option, and the answer is still checked against the full schema on our side.
 */
export function simplerSchema(schema: SummarySchema): SummarySchema | undefined {
  const before = enumCount(schema);
  for (const limit of ENUM_LIMITS) {
    const simpler = withoutEnumsLargerThan(schema, limit);
    if (enumCount(simpler) < before) return simpler;
  }
  return undefined;
}

/**
 * What Gemini's generateContent accepts in `generationConfig.responseSchema` (its OpenAPI 3.0
 * subset, google.ai.generativelanguage.v1beta.Schema). Anything else is refused with a 400
 * naming the field, as the real API's JSON parser does.
 */

/** The fields of Gemini's Schema message the emulator accepts. */
export const FIELDS = new Set([
  "type", "format", "title", "description", "nullable", "enum", "maxItems", "minItems", "properties", "required",
  "minProperties", "maxProperties", "minLength", "maxLength", "pattern", "example", "anyOf", "propertyOrdering",
  "default", "items", "minimum", "maximum",
]);
/** Gemini's Type values. */
export const TYPES = new Set(["STRING", "NUMBER", "INTEGER", "BOOLEAN", "ARRAY", "OBJECT", "NULL"]);

type Node = Record<string, unknown>;

/** The first problem with a response schema, phrased like Gemini's 400 message; undefined when it is accepted. */
export function findSchemaProblem(schema: unknown, at = "generation_config.response_schema"): string | undefined {
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) {
    return `Invalid JSON payload received. Invalid value at '${at}': expected an object.`;
  }
  const node = schema as Node;
  for (const key of Object.keys(node)) {
    if (!FIELDS.has(key)) return `Invalid JSON payload received. Unknown name "${key}" at '${at}': Cannot find field.`;
  }
  const type = typeof node.type === "string" ? node.type.toUpperCase() : undefined;
  if (node.type !== undefined && (type === undefined || !TYPES.has(type))) {
    return `Invalid JSON payload received. Invalid value at '${at}.type' (type.googleapis.com/google.ai.generativelanguage.v1beta.Type), ${JSON.stringify(node.type)}`;
  }
  if (node.enum !== undefined && type !== "STRING") return `* GenerateContentRequest.${at}.enum: only allowed for STRING type`;
  if (type === "ARRAY") {
    if (node.items === undefined) return `* GenerateContentRequest.${at}.items: missing field.`;
    const inner = findSchemaProblem(node.items, `${at}.items`);
    if (inner) return inner;
  }
  if (type === "OBJECT") {
    const properties = (node.properties ?? {}) as Node;
    const names = Object.keys(properties);
    if (names.length === 0) return `* GenerateContentRequest.${at}.properties: should be non-empty for OBJECT type`;
    for (const [index, name] of names.entries()) {
      const inner = findSchemaProblem(properties[name], `${at}.properties[${index}].value`);
      if (inner) return inner;
    }
    const required = Array.isArray(node.required) ? (node.required as unknown[]) : [];
    for (const [index, name] of required.entries()) {
      if (typeof name !== "string" || !names.includes(name)) return `* GenerateContentRequest.${at}.required[${index}]: property is not defined`;
    }
  }
  if (Array.isArray(node.anyOf)) {
    for (const [index, option] of node.anyOf.entries()) {
      const inner = findSchemaProblem(option, `${at}.any_of[${index}]`);
      if (inner) return inner;
    }
  }
  return undefined;
}

/** Gemini's 400 for a response schema whose constrained decoding needs too many states. */
export const TOO_MANY_STATES =
  "The specified schema produces a constraint that has too many states for serving. Typical causes of this error are schemas with lots of text (for example, very long property or enum names), schemas with long array length limits (especially when nested), or schemas using complex value matchers (for example, integers or numbers with minimum/maximum bounds or strings with complex formats like date-time)";

/**
 * How many enum values a response schema holds in all. Gemini does not publish its state
 * limit; large enum lists (every Notion select option) are the way our schemas reach it.
 */
export function countEnumValues(schema: unknown): number {
  if (typeof schema !== "object" || schema === null) return 0;
  const node = schema as Node;
  const own = Array.isArray(node.enum) ? node.enum.length : 0;
  const children = [node.items, ...Object.values((node.properties ?? {}) as Node), ...(Array.isArray(node.anyOf) ? node.anyOf : [])];
  return children.reduce<number>((sum, child) => sum + countEnumValues(child), own);
}

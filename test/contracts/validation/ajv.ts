import { Ajv2020, type ErrorObject, type Options } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

/**
 * The Ajv instances the contracts share: JSON Schema 2020-12 (OpenAPI 3.1's dialect), every
 * format the descriptions use, and the vendor keywords (`x-…`, `discriminator`) allowed.
 */

/** A JSON Schema validator for the descriptions; `coerce` reads form fields (all strings) as their types. */
export function createAjv(options: { coerce?: boolean } = {}): Ajv2020 {
  const settings: Options = { strict: false, allErrors: true, validateSchema: false, logger: false };
  const ajv = new Ajv2020(options.coerce ? { ...settings, coerceTypes: "array" } : settings);
  addFormats.default(ajv);
  // Discord's own formats: ids are strings of digits, a nonce is a string or an integer.
  ajv.addFormat("snowflake", /^(0|[1-9][0-9]*)$/);
  ajv.addFormat("nonce", true);
  return ajv;
}

/** Ajv's errors as short sentences naming where in the value each one is. */
export function describeErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? e.keyword}${e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ""}`);
}

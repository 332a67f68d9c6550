import { badRequest } from "./api-error.ts";

/**
 * Reading Bot API parameters. A request may carry them in the query string, a JSON body or
 * a form (where every value is a string and objects are JSON-serialised strings), so each
 * reader accepts both the typed and the string form, as the real server does.
 */

/** Parameters of one call, merged from query string and body. */
export type Params = Record<string, unknown>;

/** Whether a parameter was given at all (an empty form field counts as absent). */
export function has(params: Params, name: string): boolean {
  const value = params[name];
  return value !== undefined && value !== null && value !== "";
}

/** An optional integer; `undefined` when absent, 400 when not a number. */
export function optionalInt(params: Params, name: string): number | undefined {
  if (!has(params, name)) return undefined;
  const value = params[name];
  const number = typeof value === "number" ? value : Number(String(value).trim());
  if (!Number.isInteger(number)) throw badRequest(`field "${name}" must be of type Integer`);
  return number;
}

/** An optional string; numbers are accepted as their decimal text, like the real server. */
export function optionalString(params: Params, name: string): string | undefined {
  if (params[name] === undefined || params[name] === null) return undefined;
  const value = params[name];
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  throw badRequest(`field "${name}" must be of type String`);
}

/** An optional boolean; accepts true/false and their string forms. */
export function optionalBoolean(params: Params, name: string): boolean | undefined {
  if (!has(params, name)) return undefined;
  const value = params[name];
  if (typeof value === "boolean") return value;
  if (value === "true" || value === "1") return true;
  if (value === "false" || value === "0") return false;
  throw badRequest(`field "${name}" must be of type Boolean`);
}

/**
 * An optional JSON-typed parameter (reply_markup, entities, commands...): objects as sent in
 * JSON bodies, or their serialised form as sent in forms and query strings.
 */
export function optionalJson(params: Params, name: string, unparsable: string): unknown {
  if (!has(params, name)) return undefined;
  const value = params[name];
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    throw badRequest(unparsable);
  }
}

/** A chat identifier: an integer, or an `@username` string. */
export function requireChatId(params: Params, name = "chat_id"): number | string {
  if (!has(params, name)) throw badRequest(`${name} is empty`);
  const value = params[name];
  if (typeof value === "number") return value;
  const text = String(value).trim();
  return /^-?\d+$/.test(text) ? Number(text) : text;
}

/** A required message id. */
export function requireMessageId(params: Params): number {
  const id = optionalInt(params, "message_id");
  if (id === undefined) throw badRequest("message identifier is not specified");
  return id;
}

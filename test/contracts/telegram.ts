import { readFileSync } from "node:fs";
import path from "node:path";
import type { ValidateFunction } from "ajv";
import { corrected } from "./allowlist.ts";
import { CONTRACTS_DIR } from "./lock.ts";
import { createAjv, describeErrors } from "./validation/ajv.ts";
import { type Contract, type Exchange, undescribed, type Verdict } from "./validation/contract.ts";

/**
 * The Telegram Bot API description (PaulSonOfLars/telegram-bot-api-spec, scraped from the
 * official page) turned into JSON Schema: every type an object with exactly its fields, every
 * method's parameters likewise, and its result inside Telegram's `{ ok, result }` envelope.
 */

interface Field {
  name: string;
  types: string[];
  required: boolean;
  description: string;
}

interface Described {
  name: string;
  fields?: Field[];
  subtypes?: string[];
  returns?: string[];
  description?: string[];
}

/** The description as pinned: `methods` and `types` by name. */
export interface TelegramDescription {
  version: string;
  methods: Record<string, Described>;
  types: Record<string, Described>;
}

/** The pinned Bot API description, with allowlist.json's corrections. */
export function telegramDescription(): TelegramDescription {
  const raw = JSON.parse(readFileSync(path.join(CONTRACTS_DIR, "telegram/api.json"), "utf8")) as TelegramDescription;
  return corrected("telegram", raw);
}

type Schema = Record<string, unknown>;

/** The id under which the types are added once to Ajv, so every method shares their compiled code. */
const DEFS_ID = "https://contracts.reelnotes.test/telegram.json";

function typeSchema(type: string): Schema {
  if (type.startsWith("Array of ")) return { type: "array", items: typeSchema(type.slice("Array of ".length)) };
  switch (type) {
    case "Integer":
      return { type: "integer" };
    case "Float":
      return { type: "number" };
    case "String":
      return { type: "string" };
    case "Boolean":
      return { type: "boolean" };
    case "True":
      return { const: true };
    case "InputFile":
      return {};
    default:
      return { $ref: `${DEFS_ID}#/$defs/${type}` };
  }
}

const oneOfTypes = (types: string[]): Schema => (types.length === 1 ? typeSchema(types[0]!) : { anyOf: types.map(typeSchema) });

function objectSchema(fields: Field[] = []): Schema {
  return {
    type: "object",
    properties: Object.fromEntries(fields.map((f) => [f.name, oneOfTypes(f.types)])),
    required: fields.filter((f) => f.required).map((f) => f.name),
    additionalProperties: false,
  };
}

/** Every type of the description as a JSON Schema `$defs` entry. */
export function telegramDefinitions(description: TelegramDescription): Record<string, Schema> {
  return Object.fromEntries(
    Object.values(description.types).map((t) => [t.name, t.subtypes ? { anyOf: t.subtypes.map(typeSchema) } : objectSchema(t.fields)]),
  );
}

const PATH = /^\/bot[^/]+\/([A-Za-z]+)$/;

const ERROR_ENVELOPE: Schema = {
  type: "object",
  properties: { ok: { const: false }, error_code: { type: "integer" }, description: { type: "string" }, parameters: { $ref: `${DEFS_ID}#/$defs/ResponseParameters` } },
  required: ["ok", "error_code", "description"],
  additionalProperties: false,
};

/** Form and query values are strings; objects among them are JSON-serialised. */
function typedParams(fields: Field[], params: Record<string, unknown>): Record<string, unknown> {
  const byName = new Map(fields.map((f) => [f.name, f]));
  return Object.fromEntries(
    Object.entries(params).map(([name, value]) => {
      const field = byName.get(name);
      const structured = field?.types.some((t) => t.startsWith("Array of ") || /^[A-Z]/.test(t) && !["Integer", "Float", "String", "Boolean", "True", "InputFile"].includes(t));
      if (typeof value === "string" && structured && /^\s*[[{]/.test(value)) {
        try {
          return [name, JSON.parse(value) as unknown];
        } catch {
          return [name, value];
        }
      }
      return [name, value];
    }),
  );
}

let contract: (Contract & { checkUpdate(update: unknown): Verdict }) | undefined;

/** The Bot API under `/bot<token>/<method>`, checked against the pinned description (one per process). */
export function telegramContract(): Contract & { checkUpdate(update: unknown): Verdict } {
  if (contract) return contract;
  const description = telegramDescription();
  const $defs = telegramDefinitions(description);
  const json = createAjv();
  const form = createAjv({ coerce: true });
  for (const ajv of [json, form]) ajv.addSchema({ $id: DEFS_ID, $defs }, DEFS_ID);
  const methods = new Map(Object.values(description.methods).map((m) => [m.name.toLowerCase(), m]));
  const compiled = new Map<string, ValidateFunction>();
  const validator = (key: string, schema: Schema, coerce = false): ValidateFunction => {
    let validate = compiled.get(`${coerce} ${key}`);
    if (!validate) {
      validate = (coerce ? form : json).compile(schema);
      compiled.set(`${coerce} ${key}`, validate);
    }
    return validate;
  };
  // Compiled now, before the emulator serves: Update reaches most types (about 3 s once per
  // process), and compiling it during a long poll would stall the bot's first exchange.
  const update = json.compile({ $ref: `${DEFS_ID}#/$defs/Update` });
  const methodOf = (exchange: Exchange) => methods.get(PATH.exec(exchange.path)?.[1]?.toLowerCase() ?? "");

  contract = {
    service: "telegram",
    /** An update as a webhook delivery posts it to the bot. */
    checkUpdate: (value) => ({ operation: "webhook Update", described: true, errors: update(value) ? [] : describeErrors(update.errors) }),
    checkRequest(exchange) {
      const method = methodOf(exchange);
      if (!method) return undescribed(`${exchange.method} ${exchange.path.replace(/^(\/file)?\/bot[^/]+/, "$1/bot<token>")}`);
      const isJson = exchange.contentType === "application/json";
      const params = { ...exchange.query, ...((exchange.body as Record<string, unknown> | undefined) ?? {}) };
      const value = isJson && Object.keys(exchange.query).length === 0 ? params : typedParams(method.fields ?? [], params);
      const validate = validator(`${method.name} params`, objectSchema(method.fields), !isJson);
      const ok = validate(isJson ? value : structuredClone(value));
      return { operation: method.name, described: true, errors: ok ? [] : describeErrors(validate.errors) };
    },
    checkResponse(exchange, status, body) {
      const method = methodOf(exchange);
      if (!method) return undescribed(`${exchange.method} ${exchange.path.replace(/^(\/file)?\/bot[^/]+/, "$1/bot<token>")} ${status}`);
      const schema =
        status === 200
          ? { type: "object", properties: { ok: { const: true }, result: oneOfTypes(method.returns ?? []), description: { type: "string" } }, required: ["ok", "result"], additionalProperties: false }
          : ERROR_ENVELOPE;
      const validate = validator(`${method.name} ${status === 200 ? "result" : "error"}`, schema);
      return { operation: `${method.name} ${status}`, described: true, errors: validate(body) ? [] : describeErrors(validate.errors) };
    },
  };
  return contract;
}

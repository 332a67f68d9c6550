import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { APIErrorCode } from "@notionhq/client";
import { Ajv, type ValidateFunction } from "ajv";
import standaloneCode from "ajv/dist/standalone/index.js";
import { CORRECTIONS, corrected } from "./allowlist.ts";
import { NOTION_BODIES, NOTION_SCHEMA_FILE } from "./notion/generate.ts";
import { describeErrors } from "./validation/ajv.ts";
import { type Contract, type Exchange, undescribed } from "./validation/contract.ts";

/**
 * Notion's API checked against the JSON Schema generated from @notionhq/client's own request
 * and response types (notion/schema.json): Notion publishes no OpenAPI document for page and
 * block bodies, and the SDK's types are what it maintains as their description.
 */

/** One endpoint: its method and path, the body it takes and the body it answers with. */
interface Endpoint {
  method: string;
  pattern: RegExp;
  name: string;
  request?: string;
  response: string;
}

const ID = "[^/]+";
const ENDPOINTS: Endpoint[] = [
  { method: "POST", pattern: /^\/v1\/pages$/, name: "POST /v1/pages", request: "CreatePageBody", response: "CreatePageAnswer" },
  { method: "GET", pattern: new RegExp(`^/v1/pages/${ID}$`), name: "GET /v1/pages/{id}", response: "GetPageAnswer" },
  { method: "PATCH", pattern: new RegExp(`^/v1/pages/${ID}$`), name: "PATCH /v1/pages/{id}", request: "UpdatePageBody", response: "UpdatePageAnswer" },
  { method: "PATCH", pattern: new RegExp(`^/v1/blocks/${ID}/children$`), name: "PATCH /v1/blocks/{id}/children", request: "AppendBlockChildrenBody", response: "AppendBlockChildrenAnswer" },
  { method: "GET", pattern: new RegExp(`^/v1/blocks/${ID}/children$`), name: "GET /v1/blocks/{id}/children", response: "ListBlockChildrenAnswer" },
  { method: "POST", pattern: /^\/v1\/oauth\/token$/, name: "POST /v1/oauth/token", request: "OauthTokenBody", response: "OauthTokenAnswer" },
  { method: "POST", pattern: /^\/v1\/oauth\/revoke$/, name: "POST /v1/oauth/revoke", request: "OauthRevokeBody", response: "OauthRevokeAnswer" },
  { method: "POST", pattern: /^\/v1\/file_uploads$/, name: "POST /v1/file_uploads", request: "CreateFileUploadBody", response: "CreateFileUploadAnswer" },
  { method: "POST", pattern: new RegExp(`^/v1/file_uploads/${ID}/send$`), name: "POST /v1/file_uploads/{id}/send", response: "SendFileUploadAnswer" },
  { method: "GET", pattern: new RegExp(`^/v1/file_uploads/${ID}$`), name: "GET /v1/file_uploads/{id}", response: "GetFileUploadAnswer" },
  { method: "POST", pattern: new RegExp(`^/v1/file_uploads/${ID}/complete$`), name: "POST /v1/file_uploads/{id}/complete", response: "CompleteFileUploadAnswer" },
  { method: "POST", pattern: new RegExp(`^/v1/data_sources/${ID}/query$`), name: "POST /v1/data_sources/{id}/query", request: "QueryDataSourceBody", response: "QueryDataSourceAnswer" },
  { method: "GET", pattern: new RegExp(`^/v1/data_sources/${ID}$`), name: "GET /v1/data_sources/{id}", response: "GetDataSourceAnswer" },
  { method: "GET", pattern: new RegExp(`^/v1/databases/${ID}$`), name: "GET /v1/databases/{id}", response: "GetDatabaseAnswer" },
  { method: "POST", pattern: /^\/v1\/search$/, name: "POST /v1/search", request: "SearchBody", response: "SearchAnswer" },
];

/**
 * Codes on Notion's "Status codes" reference page that the SDK's APIErrorCode lacks
 * (missing_version for a request without Notion-Version, invalid_grant from the OAuth token
 * exchange, and two 5xx codes).
 */
const DOCUMENTED_ERROR_CODES = ["missing_version", "invalid_grant", "bad_gateway", "database_connection_unavailable"];

/** Notion's error object, as its reference documents it, with the SDK's error codes. */
const errorSchema = () => ({
  type: "object",
  properties: {
    object: { const: "error" },
    status: { type: "integer" },
    code: { enum: [...new Set([...Object.values(APIErrorCode), ...DOCUMENTED_ERROR_CODES])] },
    message: { type: "string" },
    request_id: { type: "string" },
    additional_data: { type: "object" },
  },
  required: ["object", "status", "code", "message"],
  additionalProperties: false,
});

/** Where the compiled validators are kept between runs, keyed by what they were compiled from. */
const CACHE_DIR = path.resolve("test-artifacts", "cache");

type Validators = Record<string, ValidateFunction>;

const validatorName = (name: string) => `v_${name}`;
const ERROR_VALIDATOR = "v_error";

function cacheFile(): string {
  const key = createHash("sha256")
    .update(readFileSync(NOTION_SCHEMA_FILE))
    .update(JSON.stringify([errorSchema(), CORRECTIONS, createRequire(import.meta.url)("ajv/package.json").version]))
    .digest("hex")
    .slice(0, 16);
  return path.join(CACHE_DIR, `notion-validators-${key}.cjs`);
}

/**
 * Compiles every Notion validator into one module (Ajv's standalone code), unless a module
 * compiled from the same schema is already there. Compiling takes tens of seconds (the SDK's
 * unions are large), so the suite's global setup does it once, before any test runs.
 */
export function prepareNotionValidators(): string {
  const file = cacheFile();
  if (existsSync(file)) return file;
  const schema = corrected("notion", JSON.parse(readFileSync(NOTION_SCHEMA_FILE, "utf8")) as { definitions: Record<string, unknown> });
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false, code: { source: true } });
  ajv.addSchema({ $id: "notion", definitions: schema.definitions });
  const exports: Record<string, string> = {};
  for (const name of NOTION_BODIES) {
    ajv.addSchema({ $ref: `notion#/definitions/${name}` }, validatorName(name));
    exports[validatorName(name)] = validatorName(name);
  }
  ajv.addSchema(errorSchema(), ERROR_VALIDATOR);
  exports[ERROR_VALIDATOR] = ERROR_VALIDATOR;
  mkdirSync(CACHE_DIR, { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, standaloneCode.default(ajv, exports));
  renameSync(temporary, file);
  return file;
}

let contract: Contract | undefined;

/** The Notion API under /v1, checked against the SDK-generated schema (one per process). */
export function notionContract(): Contract {
  if (contract) return contract;
  const validators = createRequire(import.meta.url)(prepareNotionValidators()) as Validators;
  const validate = (id: string, value: unknown): string[] => {
    const validator = validators[id]!;
    return validator(value) ? [] : describeErrors(validator.errors);
  };
  const find = (exchange: Exchange) => ENDPOINTS.find((e) => e.method === exchange.method && e.pattern.test(exchange.path));

  contract = {
    service: "notion",
    checkRequest(exchange) {
      const endpoint = find(exchange);
      if (!endpoint) return undescribed(`${exchange.method} ${exchange.path}`);
      if (!endpoint.request) return { operation: endpoint.name, described: true, errors: [] };
      return { operation: endpoint.name, described: true, errors: validate(validatorName(endpoint.request), exchange.body ?? {}) };
    },
    checkResponse(exchange, status, body) {
      const endpoint = find(exchange);
      if (!endpoint) return undescribed(`${exchange.method} ${exchange.path} ${status}`);
      const operation = `${endpoint.name} ${status}`;
      if (status >= 400) return { operation, described: true, errors: validate(ERROR_VALIDATOR, body) };
      return { operation, described: true, errors: validate(validatorName(endpoint.response), body) };
    },
  };
  return contract;
}

import { readFileSync } from "node:fs";
import { Ajv, type ValidateFunction } from "ajv";
import { corrected } from "./allowlist.ts";
import { GEMINI_BODIES, GEMINI_SCHEMA_FILE } from "./gemini/generate.ts";
import { describeErrors } from "./validation/ajv.ts";
import { type Contract, type Exchange, undescribed, type Verdict } from "./validation/contract.ts";
import { googleErrorProblems } from "./vision.ts";

/**
 * Gemini's API (v1beta) checked against the JSON Schema generated from @google/genai's own types
 * (gemini/schema.json): Google publishes the Developer API's shapes as that SDK's types and a
 * discovery document we cannot fetch from here. Errors are Google's JSON error form.
 */

/** One endpoint: its method and path, the body it takes and the body it answers with. */
interface Endpoint {
  method: string;
  pattern: RegExp;
  name: string;
  request?: (typeof GEMINI_BODIES)[number];
  response: (typeof GEMINI_BODIES)[number];
}

const ENDPOINTS: Endpoint[] = [
  { method: "POST", pattern: /^\/v1beta\/models\/[^/:]+:generateContent$/, name: "POST /v1beta/models/{model}:generateContent", request: "GenerateContentBody", response: "GenerateContentAnswer" },
  { method: "GET", pattern: /^\/v1beta\/models\/[^/:]+$/, name: "GET /v1beta/models/{model}", response: "GetModelAnswer" },
];

let contract: Contract | undefined;

/** Gemini's generateContent and models.get, checked against the SDK-generated schema (one per process). */
export function geminiContract(): Contract {
  if (contract) return contract;
  const schema = corrected("gemini", JSON.parse(readFileSync(GEMINI_SCHEMA_FILE, "utf8")) as { definitions: Record<string, unknown> });
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  ajv.addSchema({ $id: "gemini", definitions: schema.definitions });
  const validators = new Map<string, ValidateFunction>(GEMINI_BODIES.map((name) => [name, ajv.compile({ $ref: `gemini#/definitions/${name}` })]));
  const verdict = (operation: string, name: string, value: unknown): Verdict => {
    const validator = validators.get(name)!;
    return { operation, described: true, errors: validator(value) ? [] : describeErrors(validator.errors) };
  };
  const find = (exchange: Exchange) => ENDPOINTS.find((e) => e.method === exchange.method && e.pattern.test(exchange.path));

  contract = {
    service: "gemini",
    checkRequest(exchange) {
      const endpoint = find(exchange);
      if (!endpoint) return undescribed(`${exchange.method} ${exchange.path}`);
      if (!endpoint.request) return { operation: endpoint.name, described: true, errors: [] };
      return verdict(endpoint.name, endpoint.request, exchange.body ?? {});
    },
    checkResponse(exchange, status, body) {
      const endpoint = find(exchange);
      if (!endpoint) return undescribed(`${exchange.method} ${exchange.path} ${status}`);
      const operation = `${endpoint.name} ${status}`;
      if (status >= 400) return { operation, described: true, errors: googleErrorProblems(body) };
      return verdict(operation, endpoint.response, body);
    },
  };
  return contract;
}

import type { ValidateFunction } from "ajv";
import { createAjv, describeErrors } from "./ajv.ts";
import { type Contract, type Exchange, undescribed, type Verdict } from "./contract.ts";

/**
 * A contract read from an OpenAPI 3.1 document: finds the operation by method and path
 * template, then checks the request body against its `requestBody` and the response body
 * against the response for that status (exact, `4XX`, then `default`).
 */

type Json = Record<string, unknown>;

interface Route {
  template: string;
  pattern: RegExp;
  item: Json;
}

/** How to read one service's document. */
export interface OpenApiOptions {
  service: string;
  document: Json;
  /** The path prefix the emulator serves the API under, e.g. "/api/v10". */
  basePath: string;
  /** Turns a parsed request body into what the description's schema describes (e.g. uploaded files). */
  requestBody?: (exchange: Exchange) => unknown;
}

function routesOf(document: Json): Route[] {
  return Object.entries(document.paths as Record<string, Json>)
    .map(([template, item]) => ({
      template,
      item,
      pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}$`),
    }))
    .sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0));
}

/** Builds the contract; schemas are compiled on first use and kept. */
export function openApiContract(options: OpenApiOptions): Contract {
  const { service, document, basePath } = options;
  // Component references are made absolute so each operation's schema compiles on its own.
  const id = `https://contracts.reelnotes.test/${service}.json`;
  const rewritten = JSON.parse(JSON.stringify(document).replaceAll('"$ref":"#/components/', `"$ref":"${id}#/components/`)) as Json;
  const json = createAjv();
  const form = createAjv({ coerce: true });
  for (const ajv of [json, form]) ajv.addSchema({ $id: id, components: rewritten.components }, id);
  const routes = routesOf(rewritten);
  const compiled = new Map<string, ValidateFunction>();

  const resolve = (node: Json | undefined): Json | undefined => {
    let current = node;
    while (current && typeof current.$ref === "string") {
      const parts = (current.$ref as string).split("#/")[1]!.split("/");
      current = parts.reduce<Json | undefined>((at, part) => at?.[part] as Json | undefined, rewritten);
    }
    return current;
  };

  const validator = (key: string, schema: Json, coerce: boolean): ValidateFunction => {
    const cacheKey = `${coerce ? "form" : "json"} ${key}`;
    let validate = compiled.get(cacheKey);
    if (!validate) {
      validate = (coerce ? form : json).compile(schema);
      compiled.set(cacheKey, validate);
    }
    return validate;
  };

  const find = (exchange: Exchange): { route: Route; operation: Json; name: string } | undefined => {
    if (!exchange.path.startsWith(basePath)) return undefined;
    const path = exchange.path.slice(basePath.length) || "/";
    const method = exchange.method.toLowerCase();
    const route = routes.find((r) => r.pattern.test(path) && r.item[method]);
    return route && { route, operation: route.item[method] as Json, name: `${exchange.method} ${route.template}` };
  };

  const check = (key: string, schema: Json | undefined, value: unknown, coerce: boolean): string[] => {
    if (!schema) return [];
    const validate = validator(key, schema, coerce);
    return validate(coerce ? structuredClone(value) : value) ? [] : describeErrors(validate.errors);
  };

  return {
    service,
    checkRequest(exchange): Verdict {
      const found = find(exchange);
      if (!found) return undescribed(`${exchange.method} ${exchange.path}`);
      const requestBody = resolve(found.operation.requestBody as Json | undefined);
      const content = requestBody?.content as Record<string, { schema?: Json }> | undefined;
      const body = options.requestBody ? options.requestBody(exchange) : exchange.body;
      const empty = body === undefined || (typeof body === "object" && body !== null && Object.keys(body).length === 0);
      if (!content) return { operation: found.name, described: true, errors: [] };
      if (empty) return { operation: found.name, described: true, errors: requestBody?.required ? ["/ request body is required"] : [] };
      const isForm = exchange.contentType === "multipart/form-data" || exchange.contentType === "application/x-www-form-urlencoded";
      // Discord's multipart bodies carry the JSON payload in payload_json, which the emulator unpacks.
      const mediaType = content[exchange.contentType ?? ""] && !(isForm && content["application/json"]) ? exchange.contentType! : "application/json";
      const schema = content[mediaType]?.schema;
      const coerce = mediaType !== "application/json";
      return { operation: found.name, described: true, errors: check(`${found.name} request ${mediaType}`, schema, body, coerce) };
    },
    checkResponse(exchange, status, body): Verdict {
      const found = find(exchange);
      if (!found) return undescribed(`${exchange.method} ${exchange.path} ${status}`);
      const responses = found.operation.responses as Record<string, Json>;
      const key = [String(status), `${String(status)[0]}XX`, "default"].find((k) => responses[k]);
      const operation = `${found.name} ${status}`;
      if (!key) return undescribed(operation);
      const response = resolve(responses[key]);
      const schema = (response?.content as Record<string, { schema?: Json }> | undefined)?.["application/json"]?.schema;
      if (!schema) {
        return { operation, described: true, errors: body === undefined || body === "" ? [] : ["/ the description has no body for this status"] };
      }
      return { operation, described: true, errors: check(`${found.name} response ${key}`, schema, body, false) };
    },
  };
}

import path from "node:path";
import protobuf from "protobufjs";
import { type Contract, undescribed, type Verdict } from "./validation/contract.ts";

/**
 * Google Vision's `images:annotate` checked against `image_annotator.proto` as shipped inside
 * @google-cloud/vision: every key of the JSON must be a field of the message (by its JSON name),
 * every value of the field's type, every enum a value name, as the REST mapping of proto3 says.
 */

const VISION_PROTOS = path.resolve("node_modules/@google-cloud/vision/build/protos");
const GAX_PROTOS = path.resolve("node_modules/google-gax/build/protos");

function loadRoot(): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => {
    for (const dir of [VISION_PROTOS, GAX_PROTOS]) {
      const candidate = path.join(dir, target);
      if (protobuf.util.fs?.existsSync?.(candidate)) return candidate;
    }
    return target;
  };
  root.loadSync(["google/cloud/vision/v1/image_annotator.proto", "google/rpc/error_details.proto"], { keepCase: false });
  root.resolveAll();
  return root;
}

const INTEGER = new Set(["int32", "uint32", "sint32", "fixed32", "sfixed32"]);
const LONG = new Set(["int64", "uint64", "sint64", "fixed64", "sfixed64"]);

/** Where `value` breaks the proto3 JSON form of `type`, one sentence each. */
function check(type: protobuf.Type, value: unknown, at: string, errors: string[]): void {
  if (type.fullName === ".google.protobuf.Timestamp") return;
  // Well-known types with a JSON form of their own: a Duration is a string of seconds like "1.5s".
  if (type.fullName === ".google.protobuf.Duration") {
    if (!(typeof value === "string" && /^-?\d+(\.\d+)?s$/.test(value))) errors.push(`${at || "/"} must be a Duration string like "1s"`);
    return;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return void errors.push(`${at || "/"} must be an object (${type.name})`);
  if (type.fullName === ".google.protobuf.Any") return checkAny(type.root, value as Record<string, unknown>, at, errors);
  const byJsonName = new Map(type.fieldsArray.map((f) => [protobuf.util.camelCase(f.name), f]));
  for (const [key, item] of Object.entries(value)) {
    const field = byJsonName.get(key) ?? type.fields[key];
    if (!field) {
      errors.push(`${at}/${key} is not a field of ${type.name}`);
      continue;
    }
    if (field instanceof protobuf.MapField) {
      if (typeof item !== "object" || item === null) errors.push(`${at}/${key} must be an object (map)`);
      else for (const [k, v] of Object.entries(item)) checkValue(field, v, `${at}/${key}/${k}`, errors);
      continue;
    }
    const items = field.repeated ? (Array.isArray(item) ? item : (errors.push(`${at}/${key} must be an array`), [])) : [item];
    items.forEach((one, index) => checkValue(field, one, field.repeated ? `${at}/${key}/${index}` : `${at}/${key}`, errors));
  }
}

/** An Any in JSON: "@type" names the message, the other keys are that message's fields. */
function checkAny(root: protobuf.NamespaceBase, value: Record<string, unknown>, at: string, errors: string[]): void {
  const { "@type": url, ...fields } = value;
  if (typeof url !== "string") return void errors.push(`${at}/@type is required in an Any`);
  const inner = root.lookup(url.slice(url.lastIndexOf("/") + 1));
  if (inner instanceof protobuf.Type) check(inner, fields, at, errors);
  else errors.push(`${at}/@type names ${url}, which no loaded .proto describes`);
}

function checkValue(field: protobuf.Field, value: unknown, at: string, errors: string[]): void {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return check(resolved, value, at, errors);
  if (resolved instanceof protobuf.Enum) {
    if (!(typeof value === "string" && value in resolved.values) && !(typeof value === "number" && Object.values(resolved.values).includes(value)))
      errors.push(`${at} must be one of ${resolved.name}: ${Object.keys(resolved.values).join(", ")}`);
    return;
  }
  const ok =
    field.type === "string" || field.type === "bytes"
      ? typeof value === "string"
      : field.type === "bool"
        ? typeof value === "boolean"
        : field.type === "float" || field.type === "double"
          ? typeof value === "number"
          : INTEGER.has(field.type)
            ? Number.isInteger(value)
            : LONG.has(field.type)
              ? Number.isInteger(value) || (typeof value === "string" && /^-?\d+$/.test(value))
              : true;
  if (!ok) errors.push(`${at} must be ${field.type}`);
}

let loaded: protobuf.Root | undefined;
const protos = () => (loaded ??= loadRoot());

/**
 * Where a Google API's error body breaks its JSON error form, `{ error: google.rpc.Status plus
 * the HTTP status name }`, which Vision and Gemini share.
 */
export function googleErrorProblems(body: unknown): string[] {
  const { error } = (body ?? {}) as { error?: Record<string, unknown> };
  if (!error) return ["/error is required"];
  const { status: _name, ...rest } = error;
  const errors: string[] = [];
  check(protos().lookupType("google.rpc.Status"), rest, "/error", errors);
  return errors;
}

let contract: (Contract & { checkMessage(name: string, value: unknown): Verdict }) | undefined;

/** Vision's REST API under /v1, checked against the installed .proto (one per process). */
export function visionContract(): Contract & { checkMessage(name: string, value: unknown): Verdict } {
  if (contract) return contract;
  const root = protos();
  const message = (name: string) => root.lookupType(`google.cloud.vision.v1.${name}`);
  const verdict = (operation: string, type: protobuf.Type, value: unknown): Verdict => {
    const errors: string[] = [];
    check(type, value, "", errors);
    return { operation, described: true, errors };
  };
  contract = {
    service: "vision",
    checkMessage: (name, value) => verdict(name, message(name), value),
    checkRequest(exchange) {
      if (exchange.method !== "POST" || exchange.path !== "/v1/images:annotate") return undescribed(`${exchange.method} ${exchange.path}`);
      return verdict("POST /v1/images:annotate", message("BatchAnnotateImagesRequest"), exchange.body ?? {});
    },
    checkResponse(exchange, code, body) {
      if (exchange.method !== "POST" || exchange.path !== "/v1/images:annotate") return undescribed(`${exchange.method} ${exchange.path} ${code}`);
      if (code < 400) return verdict(`POST /v1/images:annotate ${code}`, message("BatchAnnotateImagesResponse"), body);
      return { operation: `POST /v1/images:annotate ${code}`, described: true, errors: googleErrorProblems(body) };
    },
  };
  return contract;
}

import type { z } from "zod";

/** The JSON body of a Discord API error: `{ message, code, errors? }`. */
export interface DiscordErrorBody {
  message: string;
  code: number;
  errors?: FormErrors;
}

/** Discord's nested "Invalid Form Body" tree: keys follow the payload path, leaves hold `_errors`. */
export interface FormErrors {
  [key: string]: FormErrors | { code: string; message: string }[] | undefined;
  _errors?: { code: string; message: string }[];
}

/** An error a route throws to answer with Discord's status and body; the app's error handler sends it. */
export class DiscordApiError extends Error {
  readonly status: number;
  readonly body: DiscordErrorBody;

  constructor(
    status: number,
    body: DiscordErrorBody,
  ) {
    super(`${status} ${body.message} (code ${body.code})`);
    this.status = status;
    this.body = body;
  }
}

/** 401 for a missing or wrong `Authorization: Bot <token>` header, worded like Discord. */
export const unauthorized = () => new DiscordApiError(401, { message: "401: Unauthorized", code: 0 });

/** 404 for a resource Discord does not know, with its JSON error code (10003 channel, 10008 message...). */
export const unknown = (what: string, code: number) => new DiscordApiError(404, { message: `Unknown ${what}`, code });

/** A 400 with a plain JSON error code and message (e.g. 50006 "Cannot send an empty message"). */
export const badRequest = (message: string, code: number) => new DiscordApiError(400, { message, code });

/** One validation failure at a payload path, in Discord's words. */
export interface FieldError {
  path: PropertyKey[];
  code: string;
  message: string;
}

/** A 50035 "Invalid Form Body" whose `errors` tree is built from field errors, as Discord nests them. */
export function invalidFormBody(fields: FieldError[]): DiscordApiError {
  const errors: FormErrors = {};
  for (const field of fields) {
    let node = errors;
    for (const key of field.path) {
      const name = String(key);
      node[name] ??= {};
      node = node[name] as FormErrors;
    }
    (node._errors ??= []).push({ code: field.code, message: field.message });
  }
  return new DiscordApiError(400, { message: "Invalid Form Body", code: 50035, errors });
}

/** Marks a refinement failure with Discord's own error code (read back by `fieldErrorsFrom`). */
export function discordIssue(code: string, message: string, path: PropertyKey[] = []) {
  return { code: "custom" as const, message, path, params: { discordCode: code } };
}

/** Translates zod issues into Discord's error codes and messages. */
export function fieldErrorsFrom(issues: z.core.$ZodIssue[]): FieldError[] {
  return issues.map((issue) => ({ path: issue.path, ...describe(issue) }));
}

function describe(issue: z.core.$ZodIssue): { code: string; message: string } {
  switch (issue.code) {
    case "too_big":
      return issue.origin === "number"
        ? { code: "NUMBER_TYPE_MAX", message: `int value should be less than or equal to ${issue.maximum}.` }
        : { code: "BASE_TYPE_MAX_LENGTH", message: `Must be ${issue.maximum} or fewer in length.` };
    case "too_small":
      return issue.origin === "number"
        ? { code: "NUMBER_TYPE_MIN", message: `int value should be greater than or equal to ${issue.minimum}.` }
        : { code: "BASE_TYPE_MIN_LENGTH", message: `Must be ${issue.minimum} or more in length.` };
    case "invalid_type":
      return issue.message.endsWith("received undefined")
        ? { code: "BASE_TYPE_REQUIRED", message: "This field is required" }
        : { code: `BASE_TYPE_${issue.expected.toUpperCase()}`, message: `Value is not a valid ${issue.expected}.` };
    case "invalid_value":
      return { code: "BASE_TYPE_CHOICES", message: `Value must be one of ${JSON.stringify(issue.values)}.` };
    case "invalid_union":
      return { code: "UNION_TYPE_CHOICES", message: issue.message };
    case "invalid_format":
      return { code: "STRING_TYPE_REGEX", message: "String value did not match validation regex." };
    case "custom": {
      const code = (issue.params as { discordCode?: string } | undefined)?.discordCode ?? "BASE_TYPE_INVALID";
      return { code, message: issue.message };
    }
    default:
      return { code: "BASE_TYPE_INVALID", message: issue.message };
  }
}

/** Parses `input` with `schema`, or throws the 50035 Discord would answer (paths under `prefix`). */
export function parseFormBody<T extends z.ZodType>(schema: T, input: unknown, prefix: PropertyKey[] = []): z.output<T> {
  const result = schema.safeParse(input);
  if (!result.success)
    throw invalidFormBody(fieldErrorsFrom(result.error.issues).map((field) => ({ ...field, path: [...prefix, ...field.path] })));
  return result.data;
}

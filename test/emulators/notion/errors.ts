import { randomUUID } from "node:crypto";
import type { Response } from "express";

/** An answer in Notion's error shape: `{ object: "error", status, code, message }`. */
export class NotionError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    code: string,
    message: string,
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

/** Writes `error` as Notion would. */
export function sendNotionError(res: Response, error: NotionError): void {
  res.set(error.headers).status(error.status).json({
    object: "error",
    status: error.status,
    code: error.code,
    message: error.message,
    request_id: randomUUID(),
  });
}

/** A `validation_error` with Notion's "body failed validation" wording. */
export function invalid(path: string, expectation: string, actual: unknown): NotionError {
  const shown = actual === undefined ? "undefined" : JSON.stringify(actual)?.slice(0, 60);
  return new NotionError(400, "validation_error", `body failed validation: ${path} should be ${expectation}, instead was \`${shown}\`.`);
}

/** A plain `validation_error` with a message of its own. */
export function validationError(message: string): NotionError {
  return new NotionError(400, "validation_error", message);
}

/** Notion's answer for something that does not exist or is not shared with the token. */
export function notFound(kind: string, id: string): NotionError {
  return new NotionError(
    404,
    "object_not_found",
    `Could not find ${kind} with ID: ${id}. Make sure the relevant pages and databases are shared with your integration.`,
  );
}

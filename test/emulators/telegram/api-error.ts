/**
 * Errors in the Bot API's own shape: `{ ok: false, error_code, description, parameters? }`.
 * Descriptions are the ones api.telegram.org sends, so bots can match on them.
 */

/** A Bot API refusal, answered as `{ ok: false, error_code, description, parameters }`. */
export class BotApiError extends Error {
  readonly errorCode: number;
  readonly description: string;
  readonly parameters?: { retry_after?: number; migrate_to_chat_id?: number };

  constructor(
    errorCode: number,
    description: string,
    parameters?: { retry_after?: number; migrate_to_chat_id?: number },
  ) {
    super(description);
    this.errorCode = errorCode;
    this.description = description;
    this.parameters = parameters;
    this.name = "BotApiError";
  }

  /** The JSON body Telegram answers with. */
  toBody(): { ok: false; error_code: number; description: string; parameters?: BotApiError["parameters"] } {
    return {
      ok: false,
      error_code: this.errorCode,
      description: this.description,
      ...(this.parameters ? { parameters: this.parameters } : {}),
    };
  }
}

/** 400 with Telegram's "Bad Request: " prefix. */
export function badRequest(reason: string): BotApiError {
  return new BotApiError(400, `Bad Request: ${reason}`);
}

/** 403 with Telegram's "Forbidden: " prefix. */
export function forbidden(reason: string): BotApiError {
  return new BotApiError(403, `Forbidden: ${reason}`);
}

/** 409 with Telegram's "Conflict: " prefix. */
export function conflict(reason: string): BotApiError {
  return new BotApiError(409, `Conflict: ${reason}`);
}

/** 429 flood control, with `parameters.retry_after` as Telegram sends it. */
export function tooManyRequests(retryAfterSeconds: number): BotApiError {
  return new BotApiError(429, `Too Many Requests: retry after ${retryAfterSeconds}`, {
    retry_after: retryAfterSeconds,
  });
}

/** 401 for a token the server does not know. */
export const unauthorized = (): BotApiError => new BotApiError(401, "Unauthorized");

/** 404 for a method name the server does not know. */
export const notFound = (): BotApiError => new BotApiError(404, "Not Found");

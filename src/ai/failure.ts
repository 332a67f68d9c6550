import { TransientError } from "../errors.ts";

/** Which AI service failed, for messages and logs. */
export type AiService = "openai" | "vision" | "gemini";

/**
 * A refusal from an AI service that retrying will not fix and the person cannot act on:
 * a bad key, an unknown model, a request we built wrongly. Surfaces as a bug or a setup problem.
 */
export class AiRequestError extends Error {
  readonly service: AiService;
  readonly status: number;

  constructor(
    service: AiService,
    status: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${service} refused the request (${status}): ${message}`, options);
    this.service = service;
    this.status = status;
    this.name = "AiRequestError";
  }
}

/**
 * The account behind an AI key has no credit left (OpenAI's 429 `insufficient_quota`). Unlike a
 * rate limit it does not pass by waiting, so it is never retried; the operator has to top up.
 */
export class AiQuotaExhaustedError extends AiRequestError {
  constructor(service: AiService, message: string, options?: { cause?: unknown }) {
    super(service, 429, message, options);
    this.name = "AiQuotaExhaustedError";
  }
}

/** True for statuses worth another attempt: rate limits, timeouts and server errors. */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** The transient error for an HTTP status the service answered with. */
export function transientForStatus(
  service: AiService,
  status: number,
  message: string,
  retryAfterMs: number | undefined,
  cause?: unknown,
): TransientError {
  const kind = status === 429 ? "rate_limited" : status === 408 ? "timeout" : "server_error";
  return new TransientError(kind, `${service} answered ${status}: ${message}`, retryAfterMs, { cause });
}

/** True when an error means the call timed out (SDK timeout errors, AbortSignal.timeout). */
export function isTimeout(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name ?? "";
  return name === "TimeoutError" || name === "APIConnectionTimeoutError" || /timed? ?out/i.test(String((error as Error)?.message));
}

/** The transient error for a call that never got an answer: a timeout or a dropped connection. */
export function transientForNoAnswer(service: AiService, error: unknown): TransientError {
  if (isTimeout(error)) return new TransientError("timeout", `${service} did not answer in time`, undefined, { cause: error });
  return new TransientError("network", `${service} could not be reached: ${(error as Error)?.message ?? error}`, undefined, {
    cause: error,
  });
}

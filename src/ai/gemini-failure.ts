import { ApiError } from "@google/genai";
import { TransientError } from "../errors.ts";
import { AiRequestError, isTransientStatus, transientForNoAnswer, transientForStatus } from "./failure.ts";
import { retryDelayFromDetails } from "./retry-after.ts";

/** The `error` object of a Google API error body, when the SDK's message carries one. */
function errorBodyOf(error: ApiError): { message?: string; details?: unknown } {
  try {
    const body = JSON.parse(error.message) as { error?: { message?: string; details?: unknown } };
    return body.error ?? {};
  } catch {
    return {};
  }
}

/**
 * Sorts a @google/genai failure into our kinds. The SDK's ApiError keeps only the status and
 * the body, so the Retry-After header is handed in by the caller (seen by its fetch), and
 * Gemini's own RetryInfo `retryDelay` in the body is honoured too.
 */
export function classifyGeminiFailure(error: unknown, retryAfterHeaderMs: number | undefined, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted) return error;
  // The SDK enforces its timeout with a plain abort; the caller did not abort, so time ran out.
  if ((error as Error | null)?.name === "AbortError") {
    return new TransientError("timeout", "gemini did not answer in time", undefined, { cause: error });
  }
  if (!(error instanceof ApiError)) return transientForNoAnswer("gemini", error);
  const body = errorBodyOf(error);
  const message = body.message ?? error.message;
  if (isTransientStatus(error.status)) {
    const retryAfter = retryAfterHeaderMs ?? retryDelayFromDetails(body.details);
    return transientForStatus("gemini", error.status, message, retryAfter, error);
  }
  return new AiRequestError("gemini", error.status, message, { cause: error });
}

/** True when Gemini refused the response schema as too complex to serve (400, "too many states"). */
export function isSchemaTooComplex(error: unknown): boolean {
  return error instanceof AiRequestError && error.status === 400 && /too many states/i.test(error.message);
}

import OpenAI from "openai";
import { UserFacingError } from "../errors.ts";
import { AiQuotaExhaustedError, AiRequestError, isTransientStatus, transientForNoAnswer, transientForStatus } from "./failure.ts";
import { parseRetryAfter } from "./retry-after.ts";

/**
 * Sorts an OpenAI SDK failure into our kinds: transient (429, 5xx, timeouts, dropped
 * connections), a spent account (never retried), a file the person sent that cannot be read, or
 * a request error (key, model).
 */
export function classifyOpenAiFailure(error: unknown, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted || error instanceof OpenAI.APIUserAbortError) return error;
  if (error instanceof OpenAI.APIConnectionError) return transientForNoAnswer("openai", error);
  if (!(error instanceof OpenAI.APIError) || error.status === undefined) return error;
  const status = error.status;
  // A spent account answers 429 too, but waiting does not help: retrying only makes a storm.
  if (status === 429 && error.code === "insufficient_quota") return new AiQuotaExhaustedError("openai", error.message, { cause: error });
  if (isTransientStatus(status)) {
    const retryAfter = parseRetryAfter(error.headers?.get("retry-after"), error.headers?.get("retry-after-ms"));
    return transientForStatus("openai", status, error.message, retryAfter, error);
  }
  if (status === 413) {
    return new UserFacingError("video_too_large", "error.audioTooLong", { cause: error });
  }
  const param = (error.error as { param?: string } | undefined)?.param;
  if (status === 400 && param === "file") {
    return new UserFacingError("video_unreadable", "error.audioUnreadable", { cause: error });
  }
  return new AiRequestError("openai", status, error.message, { cause: error });
}

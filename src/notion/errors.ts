import { APIErrorCode, APIResponseError, ClientErrorCode, isNotionClientError } from "@notionhq/client";
import { TransientError, UserFacingError } from "../errors.ts";
import type { TextRef } from "../i18n/index.ts";
import type { NotionLimitScope } from "./rate-limit.ts";

/**
 * Turns whatever the Notion SDK threw into our error values: user-facing kinds with a
 * sentence for the chat, transient kinds the pipeline retries, or a plain Error (a bug).
 */

/**
 * Notion's 429: which of its limits was hit (`additional_data.rate_limit_reason`; a reason we
 * do not know is handled like the connection's own limit) and how long it asked us to wait.
 */
export class NotionRateLimitedError extends TransientError {
  readonly scope: NotionLimitScope;
  readonly reason: string | undefined;

  constructor(reason: string | undefined, message: string, retryAfterMs: number | undefined, options?: { cause?: unknown }) {
    super("rate_limited", `Notion rate limited the request${reason ? ` (${reason})` : ""}: ${message}`, retryAfterMs, options);
    this.reason = reason;
    this.scope = reason && /workspace/i.test(reason) ? "workspace" : "connection";
    this.name = "NotionRateLimitedError";
  }
}

/** What the person is told when a database they chose can no longer be written to: un-shared, shared without insert rights, or deleted (Notion does not tell these apart). */
export function reshareMessage(databaseTitle: string): TextRef {
  return { key: "error.notionReshare", params: { database: databaseTitle } };
}

/** What a request was about, so a 404 can say "database deleted" versus "no access". */
export type NotionSubject = "data_source" | "page" | "block" | "search" | "oauth" | "file_upload";

/** The sentence shown when the connection was revoked (any 401). */
export const REVOKED_MESSAGE = "error.notionRevoked";

function retryAfterMs(headers: unknown): number | undefined {
  const value =
    headers && typeof (headers as Headers).get === "function"
      ? (headers as Headers).get("retry-after")
      : (headers as Record<string, string> | undefined)?.["retry-after"];
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

interface ErrorBody {
  code: string;
  rateLimitReason?: string;
}

function readBody(body: unknown): ErrorBody {
  try {
    const parsed = JSON.parse(String(body)) as { code?: unknown; additional_data?: { rate_limit_reason?: unknown } };
    const reason = parsed.additional_data?.rate_limit_reason;
    return { code: typeof parsed.code === "string" ? parsed.code : "", rateLimitReason: typeof reason === "string" ? reason : undefined };
  } catch {
    return { code: "" };
  }
}

function fromStatus(status: number, { code, rateLimitReason }: ErrorBody, message: string, headers: unknown, subject: NotionSubject, cause: unknown): Error {
  if ((status === 401 || code === APIErrorCode.Unauthorized) && subject === "oauth") {
    // At the token exchange a 401 means our client id or secret is wrong, not the person's doing.
    return new UserFacingError("not_configured", "error.notionMisconfigured", { cause });
  }
  if (status === 401 || code === APIErrorCode.Unauthorized) return new UserFacingError("notion_revoked", REVOKED_MESSAGE, { cause });
  if (status === 403 || code === APIErrorCode.RestrictedResource) {
    return new UserFacingError(
      "notion_no_access",
      "error.notionForbidden",
      { cause },
    );
  }
  if (status === 404 || code === APIErrorCode.ObjectNotFound) {
    return subject === "data_source"
      ? new UserFacingError(
          "notion_database_deleted",
          "error.notionDatabaseDeleted",
          { cause },
        )
      : new UserFacingError("notion_no_access", "error.notionPageGone", { cause });
  }
  if (code === "invalid_grant") {
    return new UserFacingError("bad_request", "error.notionSignInExpired", { cause });
  }
  if (code === APIErrorCode.ValidationError) {
    return new UserFacingError(
      "notion_validation",
      "error.notionValidation",
      { cause },
    );
  }
  if (status === 429 || code === APIErrorCode.RateLimited) {
    return new NotionRateLimitedError(rateLimitReason, message, retryAfterMs(headers), { cause });
  }
  if (status === 409 || code === APIErrorCode.ConflictError) {
    return new TransientError("server_error", `Notion reported a conflict: ${message}`, undefined, { cause });
  }
  // 529 service_overload included: Notion asks for the same patience as a 429, with a Retry-After.
  if (status >= 500) return new TransientError("server_error", `Notion answered ${status} ${code}: ${message}`, retryAfterMs(headers), { cause });
  return new Error(`Notion rejected the request (${status} ${code}): ${message}`, { cause });
}

/** Maps an error thrown by the SDK (or by fetch underneath it) to our error kinds. */
export function toNotionError(error: unknown, subject: NotionSubject): Error {
  if (error instanceof UserFacingError || error instanceof TransientError) return error;
  if (APIResponseError.isAPIResponseError(error)) {
    const reason = error.additional_data?.rate_limit_reason;
    return fromStatus(error.status, { code: error.code, rateLimitReason: typeof reason === "string" ? reason : undefined }, error.message, error.headers, subject, error);
  }
  if (isNotionClientError(error)) {
    if (error.code === ClientErrorCode.RequestTimeout) return new TransientError("timeout", "Notion did not answer in time", undefined, { cause: error });
    if (error.code === ClientErrorCode.ResponseError && "status" in error && typeof error.status === "number") {
      // Codes the SDK does not know (e.g. OAuth's invalid_grant) are still in the body.
      const headers = "headers" in error ? error.headers : undefined;
      return fromStatus(error.status, readBody("body" in error ? error.body : undefined), error.message, headers, subject, error);
    }
  }
  if (error instanceof TypeError || (error instanceof Error && /fetch failed|ECONNREFUSED|ECONNRESET|socket/i.test(error.message))) {
    return new TransientError("network", `Could not reach Notion: ${error.message}`, undefined, { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}

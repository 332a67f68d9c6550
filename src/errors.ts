/**
 * Errors are values with a kind. The pipeline retries only transient ones; every
 * user-facing kind carries the sentence the bot says. Anything else is a bug.
 */

/** Kinds a person can be told about; the chat shows `userMessage`. */
export type UserFacingKind =
  | "unsupported_link"
  | "video_private"
  | "video_removed"
  | "login_required"
  | "region_blocked"
  | "video_too_long"
  | "video_too_large"
  | "video_unreadable"
  | "download_failed"
  | "notion_revoked"
  | "notion_no_access"
  | "notion_database_deleted"
  | "notion_validation"
  | "not_configured"
  | "summary_blocked"
  | "summary_invalid"
  | "rate_limited_user"
  | "bad_request";

/** Kinds worth another attempt later. */
export type TransientKind = "rate_limited" | "server_error" | "timeout" | "network";

/** A failure the person caused or can act on; never retried automatically. */
export class UserFacingError extends Error {
  readonly retryable = false;
  readonly kind: UserFacingKind;
  /** One plain sentence for the chat. */
  readonly userMessage: string;

  constructor(
    kind: UserFacingKind,
    userMessage: string,
    options?: { cause?: unknown },
  ) {
    super(`${kind}: ${userMessage}`, options);
    this.kind = kind;
    this.userMessage = userMessage;
    this.name = "UserFacingError";
  }
}

/** A failure of a service we call that may pass: 429, 5xx, timeouts, network. */
export class TransientError extends Error {
  readonly retryable = true;
  readonly kind: TransientKind;
  /** The wait the service asked for (Retry-After), when it said. */
  readonly retryAfterMs?: number;

  constructor(
    kind: TransientKind,
    message: string,
    retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.kind = kind;
    this.retryAfterMs = retryAfterMs;
    this.name = "TransientError";
  }
}

/** True for errors the pipeline may retry. */
export function isTransient(error: unknown): error is TransientError {
  return error instanceof TransientError;
}

/** The sentence to show a person for any error: its own for user-facing ones, a generic one for the rest. */
export function userMessageOf(error: unknown): string {
  if (error instanceof UserFacingError) return error.userMessage;
  if (error instanceof TransientError) return "A service we rely on is busy right now. Please try again in a few minutes.";
  return "Something went wrong on our side while saving this video. Please try again.";
}

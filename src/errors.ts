import { english, type TextKey, type TextRef } from "./i18n/index.ts";

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
  /** The sentence for the chat, rendered in the reader's language (src/i18n). */
  readonly text: TextRef;
  /** That sentence in English, for logs and operators. */
  readonly userMessage: string;

  constructor(kind: UserFacingKind, text: TextRef | TextKey, options?: { cause?: unknown }) {
    const ref = typeof text === "string" ? { key: text } : text;
    const userMessage = english(ref.key, ref.params);
    super(`${kind}: ${userMessage}`, options);
    this.kind = kind;
    this.text = ref;
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
export function userTextOf(error: unknown): TextRef {
  if (error instanceof UserFacingError) return error.text;
  if (error instanceof TransientError) return { key: "error.transient" };
  return { key: "error.bug" };
}

/** Error codes of a database or Redis that does not answer (Prisma, Postgres SQLSTATE, Node sockets). */
const STORE_DOWN_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "57P01", "57P02", "57P03", "08000", "08001", "08003", "08006", "ECONNREFUSED", "ECONNRESET", "EPIPE"]);
const STORE_DOWN_TEXT =
  /Can't reach database server|Connection terminated|terminating connection|server closed the connection|Connection is closed|ECONNREFUSED|Timed out fetching a new connection|MaxRetriesPerRequest|Code: `(57P0[123]|08\d{3})`/i;

/**
 * True when `error` (or an error it wraps) says the database or Redis is unreachable or
 * restarting: worth doing the same work again in a moment, never a reason to give up on it.
 */
export function isStoreUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && STORE_DOWN_CODES.has(code)) return true;
    if (current instanceof Error && STORE_DOWN_TEXT.test(current.message)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

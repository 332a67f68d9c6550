import { TransientError, UserFacingError } from "../errors.ts";
import type { TextKey } from "../i18n/index.ts";

/**
 * Turns what yt-dlp printed when it failed into an error a person understands (or a transient one
 * the pipeline retries). Patterns are yt-dlp's own messages for TikTok, Instagram and the generic
 * extractor; the first match wins, so the specific ones come first.
 */

/** Limits that appear in the sentences. */
export interface DownloadLimits {
  maxVideoBytes: number;
  maxVideoSeconds: number;
}

/** The sentence (its i18n key) for each user-facing download failure. */
export const DOWNLOAD_SENTENCES = {
  video_private: "error.videoPrivate",
  video_removed: "error.videoRemoved",
  login_required: "error.loginRequired",
  region_blocked: "error.regionBlocked",
  unsupported_link: "error.unsupportedPost",
  video_unreadable: "error.videoUnreadable",
  download_failed: "error.downloadFailed",
} as const satisfies Record<string, TextKey>;

/** "longer than 10 minutes" for the limit in the sentence. */
export function tooLongError(limits: DownloadLimits): UserFacingError {
  const minutes = limits.maxVideoSeconds / 60;
  const text = Number.isInteger(minutes)
    ? { key: "error.videoTooLongMinutes", params: { count: minutes } } as const
    : { key: "error.videoTooLongSeconds", params: { count: limits.maxVideoSeconds } } as const;
  return new UserFacingError("video_too_long", text);
}

/** "bigger than 200 MB" for the limit in the sentence. */
export function tooLargeError(limits: DownloadLimits): UserFacingError {
  const mb = Math.round(limits.maxVideoBytes / (1024 * 1024));
  return new UserFacingError("video_too_large", { key: "error.videoTooLarge", params: { mb } });
}

type Rule = [RegExp, (limits: DownloadLimits, output: string) => Error];

const user = (kind: keyof typeof DOWNLOAD_SENTENCES) => () => new UserFacingError(kind, DOWNLOAD_SENTENCES[kind]);
const transient = (kind: "network" | "timeout" | "rate_limited" | "server_error") => (_: DownloadLimits, output: string) =>
  new TransientError(kind, `yt-dlp: ${lastError(output)}`);

const RULES: Rule[] = [
  [/larger than max-filesize|File is larger than/i, (limits) => tooLargeError(limits)],
  [/does not pass filter.*duration|duration .* exceeds/i, (limits) => tooLongError(limits)],
  [/not (?:made this video )?available in your (?:country|region)|geo.?restrict|blocked in your (?:country|region)/i, user("region_blocked")],
  [/private (?:video|account|post)|this (?:video|account|post) is private|video is private/i, user("video_private")],
  [/log ?in (?:required|for access|to (?:view|see|access))|login required|use --cookies|--cookies-from-browser|sign in to confirm|HTTP Error 401/i, user("login_required")],
  [/HTTP Error 404|HTTP Error 410|video (?:has been )?removed|no longer available|video (?:is )?unavailable|could not find|does not exist|status code 10204|post (?:is )?not available/i, user("video_removed")],
  [/Unsupported URL|is not a valid URL|Unable to extract|No video formats found/i, user("unsupported_link")],
  [/HTTP Error 429|Too Many Requests|rate.?limit/i, transient("rate_limited")],
  [/HTTP Error 5\d\d/i, transient("server_error")],
  [/timed out|timeout/i, transient("timeout")],
  [/urlopen error|Connection (?:refused|reset|aborted)|Name or service not known|Temporary failure in name resolution|Network is unreachable|Remote end closed|IncompleteRead|ssl/i, transient("network")],
];

/** The last ERROR line of yt-dlp's output, without its advice to report a bug. */
export function lastError(output: string): string {
  const lines = output.split("\n").filter((l) => l.startsWith("ERROR:"));
  const line = lines.at(-1) ?? output.trim().split("\n").at(-1) ?? "";
  return line.replace(/;\s*please report this issue.*$/i, "").slice(0, 300);
}

/** Maps yt-dlp's failure output to a typed error; unknown failures become `download_failed`. */
export function downloadErrorFrom(output: string, limits: DownloadLimits): Error {
  const message = lastError(output);
  for (const [pattern, build] of RULES) if (pattern.test(message)) return build(limits, output);
  return new UserFacingError("download_failed", DOWNLOAD_SENTENCES.download_failed, { cause: new Error(message) });
}

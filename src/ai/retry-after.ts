/** How long a provider asks us to wait, from its Retry-After header or its error details. */

/**
 * Reads a Retry-After value (delta seconds or an HTTP date), or OpenAI's `retry-after-ms`,
 * into milliseconds. Undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, valueMs?: string | null): number | undefined {
  if (valueMs) {
    const ms = Number(valueMs);
    if (Number.isFinite(ms) && ms >= 0) return ms;
  }
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - Date.now());
}

/** Reads a google.rpc.RetryInfo `retryDelay` ("7s", "0.5s") from an error body's details. */
export function retryDelayFromDetails(details: unknown): number | undefined {
  if (!Array.isArray(details)) return undefined;
  for (const detail of details) {
    const delay = (detail as { retryDelay?: unknown } | null)?.retryDelay;
    if (typeof delay === "string" && /^\d+(\.\d+)?s$/.test(delay)) return Number(delay.slice(0, -1)) * 1000;
  }
  return undefined;
}

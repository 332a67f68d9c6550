/** Delay before attempt `attempt + 1`: exponential with full jitter, never shorter than the service asked. */
export function retryDelayMs(attempt: number, retryAfterMs: number | undefined, random: () => number = Math.random): number {
  const baseMs = 2000;
  const capMs = 5 * 60_000;
  const exponential = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = exponential / 2 + random() * (exponential / 2);
  return Math.max(retryAfterMs ?? 0, Math.round(jittered));
}

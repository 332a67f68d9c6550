/**
 * A small key-value store with expiry, for short-lived state shared between processes:
 * OAuth states, connect tokens, rate-limit counters, update ids.
 */
export interface StateStore {
  readonly kind: "redis" | "memory";
  get(key: string): Promise<string | undefined>;
  /** Stores `value` for `ttlSeconds`. */
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** Stores `value` only if `key` is absent; true when it was stored. */
  setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean>;
  /** Returns the value and deletes it in one step, so only one caller ever gets it. */
  take(key: string): Promise<string | undefined>;
  delete(key: string): Promise<void>;
  /**
   * A sliding-window count in one atomic step: adds one to the counter `current` only if
   * `previous`'s count times `previousWeight`, plus `current`'s, plus one stays within `limit`.
   * The expiry is set when `current` is created. Returns whether it counted, and both counts after.
   */
  countWithinLimit(window: SlidingWindow, limit: number, ttlSeconds: number): Promise<{ counted: boolean; current: number; previous: number }>;
  /** Resolves when the store answers. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The two counters of a sliding window: this period's, and the last one's with the share of it still inside the window. */
export interface SlidingWindow {
  current: string;
  previous: string;
  /** Between 0 and 1. */
  previousWeight: number;
}

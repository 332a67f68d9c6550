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
  /** Adds one and returns the new count; the expiry is set when the counter is created. */
  increment(key: string, ttlSeconds: number): Promise<number>;
  /** Resolves when the store answers. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Notion allows about three requests per second per connection, with small bursts. One
 * token bucket per access token keeps us under that, and a 429's Retry-After pauses the
 * whole bucket so the other requests of that token wait too.
 */

interface Bucket {
  tokens: number;
  updatedAt: number;
  pausedUntil: number;
  /** Requests waiting their turn, served in order. */
  queue: Promise<void>;
}

/** A per-key rate limiter: `take(key)` resolves when a request for `key` may go out. */
export interface TokenRateLimiter {
  take(key: string): Promise<void>;
  /** Holds every request for `key` back for `ms` (a 429's Retry-After). */
  pause(key: string, ms: number): void;
}

const IDLE_BUCKETS_KEPT = 1000;

/**
 * A token bucket per key: `perSecond` on average, bursts of at most `burst`. The default burst
 * is one less than the rate, so Notion's own bucket keeps a spare request for network jitter
 * and requests sent at exactly the limit do not arrive bunched up and get 429s.
 */
export function createTokenRateLimiter(perSecond: number, burst = Math.max(1, Math.floor(perSecond) - 1)): TokenRateLimiter {
  const buckets = new Map<string, Bucket>();
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

  function bucketOf(key: string): Bucket {
    let bucket = buckets.get(key);
    if (!bucket) {
      if (buckets.size >= IDLE_BUCKETS_KEPT) forgetFullBuckets();
      bucket = { tokens: burst, updatedAt: Date.now(), pausedUntil: 0, queue: Promise.resolve() };
      buckets.set(key, bucket);
    }
    return bucket;
  }

  function refill(bucket: Bucket, now: number): void {
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * perSecond);
    bucket.updatedAt = now;
  }

  function forgetFullBuckets(): void {
    const now = Date.now();
    for (const [key, bucket] of buckets) {
      refill(bucket, now);
      if (bucket.tokens >= burst && bucket.pausedUntil <= now) buckets.delete(key);
    }
  }

  async function waitTurn(bucket: Bucket): Promise<void> {
    for (;;) {
      const now = Date.now();
      if (bucket.pausedUntil > now) {
        await sleep(bucket.pausedUntil - now);
        continue;
      }
      refill(bucket, now);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return;
      }
      await sleep(Math.ceil(((1 - bucket.tokens) / perSecond) * 1000));
    }
  }

  return {
    take(key) {
      const bucket = bucketOf(key);
      const turn = bucket.queue.then(() => waitTurn(bucket));
      bucket.queue = turn.catch(() => undefined);
      return turn;
    },
    pause(key, ms) {
      const bucket = bucketOf(key);
      bucket.pausedUntil = Math.max(bucket.pausedUntil, Date.now() + ms);
      bucket.tokens = 0;
    },
  };
}

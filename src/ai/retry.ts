import { setTimeout as sleep } from "node:timers/promises";
import pRetry from "p-retry";
import { isTransient } from "../errors.ts";
import type { Logger } from "../log.ts";

/** How hard one AI call tries before giving the job back to the pipeline. */
export interface RetryPolicy {
  /** Further attempts after the first. */
  retries: number;
  /** First backoff; doubles each time, randomised up to twice as long (jitter). */
  minDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited out here: the job is rescheduled instead. */
  maxRetryAfterMs: number;
}

/** Five retries from half a second: a 30% failure rate fails a call about once in 1,400. */
export const defaultRetryPolicy: RetryPolicy = { retries: 5, minDelayMs: 500, maxDelayMs: 20_000, maxRetryAfterMs: 60_000 };

/**
 * Runs `attempt` until it succeeds, retrying only `TransientError`s. A Retry-After the
 * service sent is waited out before the usual backoff, so the service sees at least the pause
 * it asked for. When the budget is spent the last `TransientError` is thrown for the pipeline.
 */
export async function withRetries<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  context: { policy: RetryPolicy; log: Logger; what: string; signal?: AbortSignal },
): Promise<T> {
  const { policy, log, what, signal } = context;
  return pRetry(attempt, {
    retries: policy.retries,
    minTimeout: policy.minDelayMs,
    maxTimeout: policy.maxDelayMs,
    factor: 2,
    randomize: true,
    signal,
    shouldRetry: ({ error }) => isTransient(error),
    onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
      if (!isTransient(error) || retriesLeft === 0) return;
      const wait = error.retryAfterMs;
      if (wait !== undefined && wait > policy.maxRetryAfterMs) throw error;
      log.warn({ what, attemptNumber, kind: error.kind, retryAfterMs: wait, err: error.message }, "ai call failed, retrying");
      // An abort during the wait surfaces as the caller's own reason, as it would mid-request.
      if (wait) await sleep(wait, undefined, { signal }).catch((abort: unknown) => Promise.reject(signal?.reason ?? abort));
    },
  });
}

import { createHash } from "node:crypto";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";

/**
 * Notion limits requests per connection and, separately, per workspace (shared by all of the
 * workspace's connections). A budget per connection keeps us under the first; a 429 pauses the
 * limit it names for its Retry-After. With Redis the budgets and pauses are shared by every
 * process of the service (rate-limiter-flexible's Redis limiter), otherwise they live in memory.
 */

/** Which of Notion's limits a 429 was about (`additional_data.rate_limit_reason`). */
export type NotionLimitScope = "connection" | "workspace";

/** Waits for Notion's budgets: `take` before each request, `pause` after a 429. */
export interface NotionRateLimiter {
  /** Resolves when a request with `token` may go out. */
  take(token: string): Promise<void>;
  /** Holds back every request of the connection, or of its whole workspace, for `ms`. */
  pause(token: string, scope: NotionLimitScope, ms: number): Promise<void>;
  /** Ties a token to its workspace, so a workspace pause reaches it from any process. */
  bindWorkspace(token: string, workspaceId: string): void;
}

/** The Redis client (ioredis) the limits are shared through, when the service has one. */
export type SharedLimitStore = unknown;

const TOKENS_REMEMBERED = 10_000;

/** Never the token itself as a key: Redis is shared and its keys are visible. */
function connectionKey(token: string): string {
  return `conn:${createHash("sha256").update(token).digest("hex").slice(0, 32)}`;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A limiter of `perSecond` requests per connection, spread evenly over each second so requests
 * do not arrive bunched up, and the pauses of both scopes.
 */
export function createNotionRateLimiter(perSecond: number, store?: SharedLimitStore): NotionRateLimiter {
  const options = { keyPrefix: "notion-rate", points: Math.max(1, Math.floor(perSecond)), duration: 1, execEvenly: true };
  const memory = new RateLimiterMemory(options);
  // Redis unreachable: the in-memory limiter stands in, so Notion calls do not fail with it.
  const limiter: RateLimiterAbstract = store ? new RateLimiterRedis({ ...options, storeClient: store, insuranceLimiter: memory }) : memory;
  const workspaces = new Map<string, string>();
  // Requests of one connection queue here so only the first of them polls the store.
  const queues = new Map<string, Promise<void>>();

  async function waitWhilePaused(key: string): Promise<void> {
    for (;;) {
      const state = await limiter.get(key);
      if (!state || state.consumedPoints <= options.points) return;
      await sleep(state.msBeforeNext);
    }
  }

  async function consume(key: string): Promise<void> {
    for (;;) {
      try {
        await limiter.consume(key);
        return;
      } catch (refusal) {
        if (!(refusal instanceof RateLimiterRes)) throw refusal;
        await sleep(refusal.msBeforeNext);
      }
    }
  }

  async function turn(token: string, key: string): Promise<void> {
    const workspace = workspaces.get(token);
    if (workspace) await waitWhilePaused(`ws:${workspace}`);
    await consume(key);
  }

  return {
    take(token) {
      const key = connectionKey(token);
      const next = (queues.get(key) ?? Promise.resolve()).then(() => turn(token, key));
      const settled = next.catch(() => undefined);
      queues.set(key, settled);
      void settled.then(() => {
        if (queues.get(key) === settled) queues.delete(key);
      });
      return next;
    },
    async pause(token, scope, ms) {
      const workspace = workspaces.get(token);
      const key = scope === "workspace" && workspace ? `ws:${workspace}` : connectionKey(token);
      await limiter.block(key, Math.max(1, Math.ceil(ms / 1000)));
    },
    bindWorkspace(token, workspaceId) {
      if (workspaces.size >= TOKENS_REMEMBERED) workspaces.clear();
      workspaces.set(token, workspaceId);
    },
  };
}

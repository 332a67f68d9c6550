import { Redis } from "ioredis";
import type { SlidingWindow, StateStore } from "./store.ts";

/** The check and the count of `countWithinLimit` as one Redis script, so concurrent callers cannot both pass. */
const COUNT_WITHIN_LIMIT = `
local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if previous * tonumber(ARGV[1]) + current + 1 > tonumber(ARGV[2]) then
  return {0, current, previous}
end
current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('EXPIRE', KEYS[1], ARGV[3]) end
return {1, current, previous}
`;

/** The shared store on Redis: every instance of the service sees the same state. */
export class RedisStateStore implements StateStore {
  readonly kind = "redis";
  private readonly redis: Redis;

  /** The connection itself, for libraries that keep their own keys in the same Redis (shared rate limits). */
  get client(): Redis {
    return this.redis;
  }

  constructor(url: string, keyPrefix: string) {
    // Commands wait for at most one reconnect attempt, so while Redis is down calls fail
    // within about a second (and /ready can say so); reconnecting goes on in the background.
    this.redis = new Redis(url, {
      keyPrefix,
      maxRetriesPerRequest: 1,
      commandTimeout: 2000,
      retryStrategy: (times) => Math.min(times * 200, 1000),
    });
    this.redis.on("error", () => undefined);
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.redis.get(key)) ?? undefined;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(key, value, "EX", Math.max(1, Math.ceil(ttlSeconds)));
  }

  async setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean> {
    const result = await this.redis.set(key, value, "EX", Math.max(1, Math.ceil(ttlSeconds)), "NX");
    return result === "OK";
  }

  async take(key: string): Promise<string | undefined> {
    return (await this.redis.getdel(key)) ?? undefined;
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(key);
  }

  async countWithinLimit(window: SlidingWindow, limit: number, ttlSeconds: number) {
    const [counted, current, previous] = (await this.redis.eval(
      COUNT_WITHIN_LIMIT,
      2,
      window.current,
      window.previous,
      String(window.previousWeight),
      String(limit),
      String(Math.max(1, Math.ceil(ttlSeconds))),
    )) as [number, number, number];
    return { counted: counted === 1, current, previous };
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}

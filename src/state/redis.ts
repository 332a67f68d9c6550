import { Redis } from "ioredis";
import type { StateStore } from "./store.ts";

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

  async increment(key: string, ttlSeconds: number): Promise<number> {
    const [[, count]] = (await this.redis
      .multi()
      .incr(key)
      .expire(key, Math.max(1, Math.ceil(ttlSeconds)), "NX")
      .exec()) as [[Error | null, number]];
    return count;
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}

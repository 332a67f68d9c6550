import type { Config } from "../config.ts";
import { MemoryStateStore } from "./memory.ts";
import { RedisStateStore } from "./redis.ts";
import type { StateStore } from "./store.ts";

export type { StateStore } from "./store.ts";
export { MemoryStateStore } from "./memory.ts";
export { RedisStateStore } from "./redis.ts";

/** Redis when configured, in-memory otherwise. */
export function openStateStore(config: Pick<Config, "redis">): StateStore {
  if (config.redis) return new RedisStateStore(config.redis.url, config.redis.keyPrefix);
  return new MemoryStateStore();
}

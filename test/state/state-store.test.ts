import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryStateStore, RedisStateStore, type StateStore } from "../../src/state/index.ts";
import { TEST_REDIS_URL, testRedisPrefix } from "../harness/redis.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const stores: [string, () => StateStore][] = [
  ["memory", () => new MemoryStateStore()],
  ["redis", () => new RedisStateStore(TEST_REDIS_URL, testRedisPrefix("state"))],
];

describe.each(stores)("the %s state store", (_kind, open) => {
  let store: StateStore;
  beforeAll(async () => {
    store = open();
    await store.ping();
  });
  afterAll(() => store.close());

  it("returns what was set, and nothing for a missing key", async () => {
    await store.set("a", "1", 60);
    expect(await store.get("a")).toBe("1");
    expect(await store.get("missing")).toBeUndefined();
  });

  it("forgets a value after its time to live", async () => {
    await store.set("short", "x", 1);
    expect(await store.get("short")).toBe("x");
    await sleep(1100);
    expect(await store.get("short")).toBeUndefined();
  });

  it("hands a value to exactly one of many concurrent takers", async () => {
    await store.set("once", "token", 60);
    const results = await Promise.all(Array.from({ length: 10 }, () => store.take("once")));
    expect(results.filter((r) => r === "token")).toHaveLength(1);
    expect(await store.get("once")).toBeUndefined();
  });

  it("stores only the first of competing setIfAbsent calls", async () => {
    const results = await Promise.all(["a", "b", "c"].map((v) => store.setIfAbsent("first", v, 60)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(["a", "b", "c"]).toContain(await store.get("first"));
  });

  it("counts up and keeps the window of the first increment", async () => {
    expect(await store.increment("count", 1)).toBe(1);
    expect(await store.increment("count", 60)).toBe(2);
    await sleep(1100);
    expect(await store.increment("count", 60)).toBe(1);
  });

  it("deletes a key", async () => {
    await store.set("gone", "x", 60);
    await store.delete("gone");
    expect(await store.get("gone")).toBeUndefined();
  });
});

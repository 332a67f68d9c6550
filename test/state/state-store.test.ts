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

  it("counts within a limit, weighing the previous window, and keeps the expiry of the first count", async () => {
    const window = { current: "count:2", previous: "count:1", previousWeight: 0.5 };
    expect(await store.countWithinLimit({ ...window, current: "count:1", previous: "count:0" }, 4, 60)).toEqual({ counted: true, current: 1, previous: 0 });
    expect(await store.countWithinLimit({ ...window, current: "count:1", previous: "count:0" }, 4, 60)).toEqual({ counted: true, current: 2, previous: 0 });
    // The previous window's 2 weigh 1: three fit within 4, a fourth does not.
    expect(await store.countWithinLimit(window, 4, 1)).toEqual({ counted: true, current: 1, previous: 2 });
    expect(await store.countWithinLimit(window, 4, 60)).toEqual({ counted: true, current: 2, previous: 2 });
    expect(await store.countWithinLimit(window, 4, 60)).toEqual({ counted: true, current: 3, previous: 2 });
    expect(await store.countWithinLimit(window, 4, 60)).toEqual({ counted: false, current: 3, previous: 2 });
    await sleep(1100);
    expect(await store.countWithinLimit(window, 4, 60)).toEqual({ counted: true, current: 1, previous: 2 });
  });

  it("deletes a key", async () => {
    await store.set("gone", "x", 60);
    await store.delete("gone");
    expect(await store.get("gone")).toBeUndefined();
  });
});

import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryStateStore, RedisStateStore, type StateStore } from "../../src/state/index.ts";
import { TEST_REDIS_URL, testRedisPrefix } from "../harness/redis.ts";

/** A store, and a way to let time pass for it without waiting: a fake clock, or Redis's own TTLs played forward. */
interface Subject {
  store: StateStore;
  /** Lets `ms` pass: every key whose time to live ends within it is gone afterwards. */
  pass(ms: number): Promise<void>;
  close(): Promise<void>;
}

function memorySubject(): Subject {
  let now = 1_000_000;
  const store = new MemoryStateStore(() => now);
  return { store, pass: async (ms) => void (now += ms), close: () => store.close() };
}

/** Redis keeps the clock: each key's remaining time to live (PTTL) is read, and those ending within `ms` expire now. */
function redisSubject(): Subject {
  const prefix = testRedisPrefix("state");
  const store = new RedisStateStore(TEST_REDIS_URL, prefix);
  const inspector = new Redis(TEST_REDIS_URL);
  return {
    store,
    async pass(ms) {
      for (const key of await inspector.keys(`${prefix}*`)) {
        const left = await inspector.pttl(key);
        if (left >= 0 && left <= ms) await inspector.del(key);
      }
    },
    async close() {
      await store.close();
      inspector.disconnect();
    },
  };
}

const stores: [string, () => Subject][] = [
  ["memory", memorySubject],
  ["redis", redisSubject],
];

describe.each(stores)("the %s state store", (_kind, open) => {
  let subject: Subject;
  let store: StateStore;
  beforeAll(async () => {
    subject = open();
    store = subject.store;
    await store.ping();
  });
  afterAll(() => subject.close());

  it("returns what was set, and nothing for a missing key", async () => {
    await store.set("a", "1", 60);
    expect(await store.get("a")).toBe("1");
    expect(await store.get("missing")).toBeUndefined();
  });

  it("forgets a value after its time to live", async () => {
    await store.set("short", "x", 1);
    await store.set("long", "y", 60);
    expect(await store.get("short")).toBe("x");
    await subject.pass(1000);
    expect(await store.get("short")).toBeUndefined();
    expect(await store.get("long")).toBe("y");
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
    // The current window's count expires a second after its first count, not 60 s after its last.
    await subject.pass(1000);
    expect(await store.countWithinLimit(window, 4, 60)).toEqual({ counted: true, current: 1, previous: 2 });
  });

  it("deletes a key", async () => {
    await store.set("gone", "x", 60);
    await store.delete("gone");
    expect(await store.get("gone")).toBeUndefined();
  });
});

import { afterAll, describe, expect, it } from "vitest";
import { takeAllowance } from "../../src/jobs/intake.ts";
import { MemoryStateStore, RedisStateStore, type StateStore } from "../../src/state/index.ts";
import { TEST_REDIS_URL, testRedisPrefix } from "../harness/redis.ts";

const HOUR = 3600_000;
const opened: StateStore[] = [];
afterAll(() => Promise.all(opened.map((s) => s.close())));

function redisInstances(count: number): StateStore[] {
  // Several service instances: separate connections to the same keys.
  const prefix = testRedisPrefix("allowance");
  const stores = Array.from({ length: count }, () => new RedisStateStore(TEST_REDIS_URL, prefix));
  opened.push(...stores);
  return stores;
}

function memory(): StateStore[] {
  const store = new MemoryStateStore();
  opened.push(store);
  return [store];
}

describe.each([
  ["in memory", memory],
  ["on Redis, shared by three instances", () => redisInstances(3)],
])("the hourly allowance %s", (_where, open) => {
  it("lets exactly the limit through when sixty links arrive at once", async () => {
    const stores = open();
    const now = () => 500 * HOUR + 10 * 60_000;
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => takeAllowance({ state: stores[i % stores.length]!, maxLinksPerHour: 10, now }, "ada")),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(10);
    expect(results.filter((r) => !r.ok).every((r) => r.retryInMinutes >= 1)).toBe(true);
  });

  it("weighs the last hour in the same step: a full hour just before counts at once after", async () => {
    const stores = open();
    let clock = 700 * HOUR - 60_000;
    const deps = (i: number) => ({ state: stores[i % stores.length]!, maxLinksPerHour: 10, now: () => clock });
    expect((await Promise.all(Array.from({ length: 10 }, (_, i) => takeAllowance(deps(i), "bo")))).every((r) => r.ok)).toBe(true);
    clock = 700 * HOUR + 6 * 60_000;
    // 10 × 0.9 of the last hour is 9: one more fits, whoever asks first.
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => takeAllowance(deps(i), "bo")));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });
});

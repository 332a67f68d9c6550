import { afterAll, describe, expect, it } from "vitest";
import { createConnectLink, redeemConnectToken } from "../../src/chat/connect-link.ts";
import { RedisStateStore } from "../../src/state/redis.ts";
import { TEST_REDIS_URL, testRedisPrefix } from "../harness/redis.ts";

const state = new RedisStateStore(TEST_REDIS_URL, testRedisPrefix("connect-link"));
afterAll(() => state.close());

const tokenOf = (link: string) => link.split("/connect/")[1]!;

describe("connect links", () => {
  it("are public URLs carrying at least 128 random bits", async () => {
    const link = await createConnectLink(state, "https://notes.example", "identity-1");
    expect(link).toMatch(/^https:\/\/notes\.example\/connect\/[A-Za-z0-9_-]{43}$/);
    const other = await createConnectLink(state, "https://notes.example", "identity-1");
    expect(tokenOf(other)).not.toBe(tokenOf(link));
    expect(Buffer.from(tokenOf(link), "base64url").length * 8).toBeGreaterThanOrEqual(128);
  });

  it("redeem once for the identity they were issued to, then say 'used'", async () => {
    const token = tokenOf(await createConnectLink(state, "https://notes.example", "identity-2"));
    expect(await redeemConnectToken(state, token)).toEqual({ identityId: "identity-2" });
    expect(await redeemConnectToken(state, token)).toEqual({ error: "used" });
  });

  it("stop working once the person is sent a newer one; the newest still works", async () => {
    const first = tokenOf(await createConnectLink(state, "https://notes.example", "identity-4"));
    const second = tokenOf(await createConnectLink(state, "https://notes.example", "identity-4"));
    const other = tokenOf(await createConnectLink(state, "https://notes.example", "identity-5"));
    expect(await redeemConnectToken(state, first)).toEqual({ error: "expired_or_unknown" });
    expect(await redeemConnectToken(state, second)).toEqual({ identityId: "identity-4" });
    expect(await redeemConnectToken(state, other)).toEqual({ identityId: "identity-5" });
  });

  it("say 'expired or unknown' for a token never issued or malformed", async () => {
    expect(await redeemConnectToken(state, "A".repeat(43))).toEqual({ error: "expired_or_unknown" });
    expect(await redeemConnectToken(state, "../../etc")).toEqual({ error: "expired_or_unknown" });
  });

  it("never keep the token itself in the state store", async () => {
    const prefix = testRedisPrefix("connect-link-keys");
    const scoped = new RedisStateStore(TEST_REDIS_URL, prefix);
    const token = tokenOf(await createConnectLink(scoped, "https://notes.example", "identity-3"));
    const { Redis } = await import("ioredis");
    const raw = new Redis(TEST_REDIS_URL);
    try {
      const keys = await raw.keys(`${prefix}*`);
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) expect(key).not.toContain(token);
      expect(await raw.mget(...keys)).not.toContain(token);
      await raw.del(...keys);
    } finally {
      raw.disconnect();
      await scoped.close();
    }
  });
});

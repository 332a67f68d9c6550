import { afterAll, describe, expect, it } from "vitest";
import { RedisStateStore } from "../../src/state/redis.ts";
import { createOAuthState, takeOAuthState } from "../../web-oauth/oauth-state.ts";
import { TEST_REDIS_URL, testRedisPrefix } from "../harness/redis.ts";

const state = new RedisStateStore(TEST_REDIS_URL, testRedisPrefix("oauth-state"));
afterAll(() => state.close());

describe("OAuth state", () => {
  it("is random and gives back its identity once, to the browser it was issued to", async () => {
    const a = await createOAuthState(state, "identity-a");
    const b = await createOAuthState(state, "identity-a");
    expect(a.state).not.toBe(b.state);
    expect(a.state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await takeOAuthState(state, a.state, a.browserNonce)).toEqual({ identityId: "identity-a" });
    expect(await takeOAuthState(state, a.state, a.browserNonce)).toEqual({ error: "used" });
  });

  it("refuses another browser's nonce, or none, without spending the state the real browser needs", async () => {
    const mine = await createOAuthState(state, "identity-a");
    const theirs = await createOAuthState(state, "identity-b");
    expect(await takeOAuthState(state, mine.state, theirs.browserNonce)).toEqual({ error: "other_browser" });
    expect(await takeOAuthState(state, mine.state, undefined)).toEqual({ error: "other_browser" });
    expect(await takeOAuthState(state, mine.state, mine.browserNonce)).toEqual({ identityId: "identity-a" });
    expect(await takeOAuthState(state, mine.state, mine.browserNonce)).toEqual({ error: "used" });
    expect(await takeOAuthState(state, theirs.state, undefined)).toEqual({ error: "other_browser" });
  });

  it("does not know a state it never issued", async () => {
    expect(await takeOAuthState(state, "never-issued", "nonce")).toEqual({ error: "expired_or_unknown" });
  });
});

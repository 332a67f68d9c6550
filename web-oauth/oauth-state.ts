import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { StateStore } from "../src/state/store.ts";

/**
 * The OAuth `state` of one sign-in: random, 10 minutes, single use, bound to the chat identity
 * and to the browser that opened the connect link (through a nonce kept in an HttpOnly cookie).
 */

/** How long a person has on Notion's consent page. */
export const OAUTH_STATE_TTL_SECONDS = 10 * 60;
const USED_MARKER_TTL_SECONDS = 60 * 60;

const stored = z
  .string()
  .transform((raw, ctx) => {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "not JSON" });
      return z.NEVER;
    }
  })
  .pipe(z.object({ identityId: z.string().min(1), browser: z.string().min(1) }));

function digest(value: string): string {
  return createHash("sha256").update(value).digest("base64url");
}

/** A new sign-in: the `state` for Notion and the nonce for the browser cookie. */
export async function createOAuthState(state: StateStore, identityId: string): Promise<{ state: string; browserNonce: string }> {
  const value = randomBytes(32).toString("base64url");
  const browserNonce = randomBytes(32).toString("base64url");
  await state.set(`oauth-state:${digest(value)}`, JSON.stringify({ identityId, browser: digest(browserNonce) }), OAUTH_STATE_TTL_SECONDS);
  return { state: value, browserNonce };
}

/** Why a callback's state was refused. */
export type OAuthStateRefusal = "expired_or_unknown" | "used" | "other_browser";

/**
 * Spends `value` (get-and-delete): the identity it was issued for, provided `browserNonce` matches.
 * A request without the browser's cookie (or with another one) is refused without spending the
 * state, so a copied callback URL cannot spoil the sign-in of the browser that started it.
 */
export async function takeOAuthState(
  state: StateStore,
  value: string,
  browserNonce: string | undefined,
): Promise<{ identityId: string } | { error: OAuthStateRefusal }> {
  const key = digest(value);
  const used = async () => ((await state.get(`oauth-state-used:${key}`)) ? { error: "used" as const } : { error: "expired_or_unknown" as const });
  const parsed = stored.safeParse(await state.get(`oauth-state:${key}`));
  if (!parsed.success) return used();
  const expected = Buffer.from(parsed.data.browser);
  const actual = Buffer.from(digest(browserNonce ?? ""));
  if (!browserNonce || expected.length !== actual.length || !timingSafeEqual(expected, actual)) return { error: "other_browser" };
  // Two callbacks from the same browser at once: only one takes it.
  if (!(await state.take(`oauth-state:${key}`))) return used();
  await state.set(`oauth-state-used:${key}`, "1", USED_MARKER_TTL_SECONDS);
  return { identityId: parsed.data.identityId };
}

import { createHash, randomBytes } from "node:crypto";
import type { StateStore } from "../state/store.ts";

/**
 * One-time links that take a chat user to the Notion linking site: the bot issues them,
 * the site redeems them. Keys hold a hash of the token, so the store never holds a usable link.
 */

/** How long a connect link works after the bot sends it. */
export const CONNECT_LINK_TTL_SECONDS = 15 * 60;
/** How long a redeemed link is remembered, so opening it again says "already used", not "expired". */
const USED_MARKER_TTL_SECONDS = 24 * 60 * 60;
/** Tokens are 32 random bytes in base64url (43 characters). */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

function keyOf(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}

/**
 * Issues `${publicUrl}/connect/<token>` for `identityId` (a ChatIdentity id): 256 random bits, 15 minutes, one use.
 * It revokes the person's earlier link, so only the newest one the bot sent can sign in.
 */
export async function createConnectLink(state: StateStore, publicUrl: string, identityId: string): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  const key = keyOf(token);
  await revokeConnectLink(state, identityId);
  await state.set(`connect:${key}`, identityId, CONNECT_LINK_TTL_SECONDS);
  await state.set(`connect-latest:${identityId}`, key, CONNECT_LINK_TTL_SECONDS);
  return `${publicUrl}/connect/${token}`;
}

/** Revokes the identity's open connect link, if any (the person asked to be forgotten). */
export async function revokeConnectLink(state: StateStore, identityId: string): Promise<void> {
  const latest = await state.take(`connect-latest:${identityId}`);
  if (latest) await state.delete(`connect:${latest}`);
}

/** Why a connect token was refused. */
export type ConnectTokenRefusal = "expired_or_unknown" | "used";

/** The identity a connect token was issued for, without spending it (the confirmation page reads it). */
export async function peekConnectToken(
  state: StateStore,
  token: string,
): Promise<{ identityId: string } | { error: ConnectTokenRefusal }> {
  if (!TOKEN_SHAPE.test(token)) return { error: "expired_or_unknown" };
  const key = keyOf(token);
  const identityId = await state.get(`connect:${key}`);
  return identityId ? { identityId } : refusalOf(state, key);
}

/** Spends a connect token: the identity it was issued for, or why it no longer works. */
export async function redeemConnectToken(
  state: StateStore,
  token: string,
): Promise<{ identityId: string } | { error: ConnectTokenRefusal }> {
  if (!TOKEN_SHAPE.test(token)) return { error: "expired_or_unknown" };
  const key = keyOf(token);
  const identityId = await state.take(`connect:${key}`);
  if (identityId) {
    await state.set(`connect-used:${key}`, "1", USED_MARKER_TTL_SECONDS);
    return { identityId };
  }
  return refusalOf(state, key);
}

async function refusalOf(state: StateStore, key: string): Promise<{ error: ConnectTokenRefusal }> {
  return (await state.get(`connect-used:${key}`)) ? { error: "used" } : { error: "expired_or_unknown" };
}

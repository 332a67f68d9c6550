import { randomBytes } from "node:crypto";

const DISCORD_EPOCH = 1_420_070_400_000n;
let increment = 0n;

/**
 * A snowflake like Discord's: milliseconds since the Discord epoch in the high bits, so
 * discord.js derives sensible `createdTimestamp`s, and a counter so ids made in the same
 * millisecond still sort in creation order.
 */
export function nextSnowflake(now = Date.now()): string {
  increment = (increment + 1n) & 0xfffn;
  return (((BigInt(now) - DISCORD_EPOCH) << 22n) | (1n << 17n) | increment).toString();
}

/** An opaque interaction or session token. */
export function randomToken(bytes = 24): string {
  return randomBytes(bytes).toString("base64url");
}

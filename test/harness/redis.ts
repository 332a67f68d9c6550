import { randomBytes } from "node:crypto";

/** The local Redis every test talks to. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** A key prefix no other test file shares, so files never see each other's keys. */
export function testRedisPrefix(label: string): string {
  return `test:${label}:${randomBytes(4).toString("hex")}:`;
}

import { afterAll, afterEach } from "vitest";
import { describeViolations, flushCounts, takeViolations } from "./validation/ledger.ts";

/**
 * Vitest setup for every test file: a test during which an emulator sent or accepted something
 * the official description rejects fails with the violations; each file's counts are written
 * for the summary the global teardown prints.
 */

afterEach(() => {
  const violations = takeViolations();
  if (violations.length > 0) throw new Error(describeViolations(violations));
});

afterAll(async () => {
  const violations = takeViolations();
  await flushCounts();
  if (violations.length > 0) throw new Error(describeViolations(violations));
});

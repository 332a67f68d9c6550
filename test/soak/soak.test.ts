import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SOAK = fileURLToPath(new URL("../../scripts/soak.ts", import.meta.url));

/**
 * `npm run soak -- --short`: two minutes of twelve people sharing links while every provider
 * fails 10-20% of its calls, a worker is killed every 20 s, and Postgres and Redis restart once.
 * Nothing may be lost, doubled, paid for twice or left stuck.
 */
describe("the short soak", () => {
  // Two minutes of traffic, then the queue drains; the limit only guards against a hang.
  it("loses, doubles and strands nothing under faults, kills and restarts", { timeout: 900_000 }, async () => {
    const child = spawn(process.execPath, [SOAK, "--short", "--json"], { stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    const [code] = await once(child, "exit");
    expect(code, stdout).toBe(0);
    const figures = JSON.parse(stdout.trim().split("\n").at(-1)!) as Record<string, number>;
    expect(figures.jobs, stdout).toBeGreaterThanOrEqual(60);
    expect({ jobsLost: figures.jobsLost, duplicatePages: figures.duplicatePages, stuckJobs: figures.stuckJobs }, stdout).toEqual({ jobsLost: 0, duplicatePages: 0, stuckJobs: 0 });
    // repeatedPaidCalls is printed, not required to be 0 here: an answer received by a worker that is
    // killed before its checkpoint is written is paid again by the next worker. A fresh-clone CI run on
    // 2026-11-30 saw 1 of 188 paid answers repeated in the short soak; README, Soak, names it as open.
  });
});

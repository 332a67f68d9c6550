import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

/**
 * `npm run bench` kept working: its one-job smoke run through the real service, the naive
 * baseline and two people at once. Figures are checked for shape only; how fast things are
 * is the benchmark's business, not a test's.
 */

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const COUNTS = ["jobs", "visionRequestsPerVideo", "failedJobs"] as const;
const MEASURES = [
  "overheadRatio", "naiveSpeedup", "visionImagesPerVideoMinute", "ackP95Ms", "coldStartMs", "cpuSecondsPerJob",
  "longClipSeconds", "pageP95Ms", "peakRssMb", "peakRssWithChildrenMb", "throughputJobsPerMin", "costPerVideoUsd", "naiveCostPerVideoUsd",
] as const;

describe("the benchmark's smoke run", () => {
  it("prints the table and, last, one JSON object with every figure the issue names", async () => {
    const { stdout } = await run(process.execPath, ["scripts/bench.ts", "--smoke", "--json"], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp" },
      maxBuffer: 16 * 1024 * 1024,
      timeout: 180_000,
    });
    const lines = stdout.trimEnd().split("\n");
    expect(lines).toContain("Figures:");
    const figures = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
    expect(Object.keys(figures).sort()).toEqual([...COUNTS, ...MEASURES].sort());
    for (const key of COUNTS) expect(Number.isInteger(figures[key]) && (figures[key] as number) >= 0, key).toBe(true);
    for (const key of MEASURES) expect(Number.isFinite(figures[key]) && (figures[key] as number) > 0, key).toBe(true);
    // One job alone plus two at once; the one-at-a-time video needs one Vision request at most.
    expect(figures.jobs).toBe(3);
    expect(figures.visionRequestsPerVideo).toBeLessThanOrEqual(1);
  }, 190_000);
});

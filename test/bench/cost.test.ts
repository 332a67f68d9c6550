import { describe, expect, it } from "vitest";
import { costPerVideo, figuresOf, type BenchRun } from "../../scripts/bench/figures.ts";
import type { NaiveJob } from "../../scripts/bench/naive-baseline.ts";
import type { SoloJob } from "../../scripts/bench/one-at-a-time.ts";
import { loadConfig } from "../../src/config.ts";
import type { UsageTotals } from "../../src/db/usage.ts";

/** The bench's cost per video, ours against the naive baseline's, from the usage each run recorded. */

const prices = loadConfig({}).prices;
const used = (audioSeconds: number, visionImages: number, geminiInputTokens: number, geminiOutputTokens: number): UsageTotals => ({
  audioSeconds, visionImages, geminiInputTokens, geminiOutputTokens, jobs: 1,
});
const video = { name: "clip", label: "clip", kind: "video", videoSeconds: 30 } as SoloJob["video"];

/** A run of two posts where only the usage and the fields figuresOf divides by are real. */
function runWith(ours: UsageTotals[], naive: UsageTotals[]): BenchRun {
  const solo = ours.map((usage) => ({ video, status: "DONE", endToEndMs: 10_000, boundMs: 9_000, ratio: 1.1, timings: {}, vision: { requests: 1, images: 10 }, usage }) as unknown as SoloJob);
  const slow = naive.map((usage) => ({ video, ms: 25_000, frames: 30, vision: { requests: 30, images: 30 }, usage }) as NaiveJob);
  const concurrent = { people: 0, acksMs: [0], ackP95Ms: 0, endToEndMs: [0], cpuSecondsPerJob: 0, peakServiceMb: 0, peakTreeMb: 0, failed: 0, unfinished: 0, throughputJobsPerMin: 0 };
  return { coldStartsMs: [1], firstStartMs: 1, solo, naive: slow, concurrent: concurrent as unknown as BenchRun["concurrent"], prices };
}

describe("cost per video in the bench", () => {
  it("prices each job's recorded usage at the list prices and averages over the posts", () => {
    // 30 s of audio, 10 images, 3,000 in and 400 out tokens: $0.0015 + $0.015 + $0.0009 + $0.001.
    const one = used(30, 10, 3000, 400);
    expect(costPerVideo([{ usage: one }], prices)).toBeCloseTo(0.0184, 9);
    expect(costPerVideo([{ usage: one }, { usage: used(0, 0, 0, 0) }], prices)).toBeCloseTo(0.0092, 9);
    expect(costPerVideo([], prices)).toBe(0);
  });

  it("reports ours and the naive baseline's side by side: a frame a second to Vision costs more", () => {
    const figures = figuresOf(runWith([used(30, 10, 3000, 400), used(30, 10, 3000, 400)], [used(30, 30, 3200, 400), used(30, 30, 3200, 400)]));
    expect(figures.costPerVideoUsd).toBe(0.0184);
    // 30 images: $0.045 for Vision; 3,200 input tokens: $0.00096.
    expect(figures.naiveCostPerVideoUsd).toBe(0.04846);
    expect(figures.naiveCostPerVideoUsd).toBeGreaterThan(figures.costPerVideoUsd);
  });

  it("follows the configured prices", () => {
    const dear = { ...prices, visionPer1000Images: 3 };
    expect(costPerVideo([{ usage: used(0, 1000, 0, 0) }], dear)).toBe(3);
    expect(loadConfig({ PRICE_VISION_PER_1000_IMAGES: "3" }).prices.visionPer1000Images).toBe(3);
  });
});

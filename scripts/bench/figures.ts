import { costOf } from "../../src/ai/usage.ts";
import type { UsagePrices } from "../../src/config.ts";
import type { UsageTotals } from "../../src/db/usage.ts";
import type { ConcurrentRun } from "./concurrent.ts";
import type { NaiveJob } from "./naive-baseline.ts";
import type { SoloJob } from "./one-at-a-time.ts";
import { median, percentile } from "./percentiles.ts";

/** The headline figures: exactly the keys of the `--json` line. */
export interface BenchFigures {
  jobs: number;
  overheadRatio: number;
  naiveSpeedup: number;
  visionImagesPerVideoMinute: number;
  visionRequestsPerVideo: number;
  ackP95Ms: number;
  coldStartMs: number;
  cpuSecondsPerJob: number;
  longClipSeconds: number;
  pageP95Ms: number;
  peakRssMb: number;
  peakRssWithChildrenMb: number;
  failedJobs: number;
  throughputJobsPerMin: number;
  costPerVideoUsd: number;
  naiveCostPerVideoUsd: number;
}

/** Everything one run measured. */
export interface BenchRun {
  /** Process start -> /ready 200 on embedded defaults, each cold start, ms (the data folder already made). */
  coldStartsMs: number[];
  /** The same for the very first start in an empty data folder (creates and migrates the database), ms. */
  firstStartMs: number;
  solo: SoloJob[];
  naive: NaiveJob[];
  concurrent: ConcurrentRun;
  /** The list prices the costs are figured at (the service's PRICE_* settings). */
  prices: UsagePrices;
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));

/** Mean cost of the jobs' AI usage at `prices`, in US dollars (0 for no jobs). */
export function costPerVideo(jobs: { usage: UsageTotals }[], prices: UsagePrices): number {
  if (jobs.length === 0) return 0;
  return jobs.reduce((sum, j) => sum + costOf(j.usage, prices).total, 0) / jobs.length;
}

/**
 * Reduces a run to the headline figures:
 * - jobs: jobs the service ran (one at a time + concurrent);
 * - overheadRatio: median over the one-at-a-time jobs of end-to-end / critical-path bound;
 * - naiveSpeedup: naive wall time / ours, both over the same videos sent one at a time;
 * - visionImagesPerVideoMinute: images sent to Vision per minute of video, over the video posts
 *   (a slideshow has no video minutes; its pictures are shown in the table);
 * - visionRequestsPerVideo: the most Vision requests any one post needed;
 * - ackP95Ms, peakRssMb, throughputJobsPerMin: from the concurrent run (peakRssMb is the
 *   service's own Node.js process; peakRssWithChildrenMb adds its yt-dlp/ffmpeg children);
 * - coldStartMs: median of the cold starts (a new process -> /ready 200, embedded defaults; the
 *   data folder made by an earlier, unmeasured first start);
 * - cpuSecondsPerJob: CPU of the service and its children over the concurrent run, per job;
 * - longClipSeconds: end-to-end time of the longest clip sent alone (the 3-minute one; 6 s in the smoke run);
 * - pageP95Ms: message -> page link p95 over the concurrent run;
 * - failedJobs: failed or unfinished service jobs, in both runs;
 * - costPerVideoUsd, naiveCostPerVideoUsd: mean AI cost of a post at the configured list prices,
 *   ours (usage the service recorded on each one-at-a-time job) and the naive baseline's (usage
 *   its calls reported), over the same posts.
 */
export function figuresOf(run: BenchRun): BenchFigures {
  const videos = run.solo.filter((j) => j.video.kind === "video" && j.video.videoSeconds > 0);
  const videoMinutes = videos.reduce((sum, j) => sum + j.video.videoSeconds / 60, 0);
  const images = videos.reduce((sum, j) => sum + j.vision.images, 0);
  const ours = run.solo.reduce((sum, j) => sum + j.endToEndMs, 0);
  const naive = run.naive.reduce((sum, j) => sum + j.ms, 0);
  const longest = videos.reduce<SoloJob | undefined>((best, j) => (!best || j.video.videoSeconds > best.video.videoSeconds ? j : best), undefined);
  return {
    jobs: run.solo.length + run.concurrent.people,
    overheadRatio: round(median(run.solo.map((j) => j.ratio)), 3),
    naiveSpeedup: round(naive / ours, 2),
    visionImagesPerVideoMinute: round(videoMinutes > 0 ? images / videoMinutes : 0, 2),
    visionRequestsPerVideo: Math.max(0, ...run.solo.map((j) => j.vision.requests)),
    ackP95Ms: Math.round(run.concurrent.ackP95Ms),
    coldStartMs: Math.round(median(run.coldStartsMs)),
    cpuSecondsPerJob: round(run.concurrent.cpuSecondsPerJob, 2),
    longClipSeconds: round((longest?.endToEndMs ?? Number.NaN) / 1000, 1),
    pageP95Ms: Math.round(percentile(run.concurrent.endToEndMs, 95)),
    peakRssMb: Math.round(run.concurrent.peakServiceMb),
    peakRssWithChildrenMb: Math.round(run.concurrent.peakTreeMb),
    failedJobs: run.solo.filter((j) => j.status !== "DONE").length + run.concurrent.failed + run.concurrent.unfinished,
    throughputJobsPerMin: round(run.concurrent.throughputJobsPerMin, 1),
    costPerVideoUsd: round(costPerVideo(run.solo, run.prices), 6),
    naiveCostPerVideoUsd: round(costPerVideo(run.naive, run.prices), 6),
  };
}

/**
 * Issue 18's first cpuSecondsPerJob measurement (2026-11-29, a 2-core machine shared by eight
 * engineers, load average 28-50), taken once downloads already ran yt-dlp once instead of twice
 * (that alone saved about 0.35 s of child CPU per download); the target is 40% below it.
 */
const CPU_FIRST_MEASURED = 2.41;
const CPU_TARGET = round(CPU_FIRST_MEASURED * 0.6, 2);

/** A target of the issue and whether the figures meet it. */
export interface TargetCheck {
  figure: keyof BenchFigures;
  target: string;
  met: boolean;
}

/** The targets, checked. */
export function checkTargets(f: BenchFigures): TargetCheck[] {
  return [
    { figure: "overheadRatio", target: "<= 1.10", met: f.overheadRatio <= 1.1 },
    { figure: "naiveSpeedup", target: ">= 2", met: f.naiveSpeedup >= 2 },
    { figure: "visionImagesPerVideoMinute", target: "<= 12", met: f.visionImagesPerVideoMinute <= 12 },
    { figure: "visionRequestsPerVideo", target: "<= 1 (videos up to 3 min)", met: f.visionRequestsPerVideo <= 1 },
    { figure: "ackP95Ms", target: "<= 250", met: f.ackP95Ms <= 250 },
    { figure: "coldStartMs", target: "<= 3000", met: f.coldStartMs <= 3000 },
    { figure: "cpuSecondsPerJob", target: `<= ${CPU_TARGET} (40% below the first measurement, ${CPU_FIRST_MEASURED})`, met: f.cpuSecondsPerJob <= CPU_TARGET },
    { figure: "longClipSeconds", target: "<= 14", met: f.longClipSeconds <= 14 },
    { figure: "pageP95Ms", target: "<= 35000", met: f.pageP95Ms <= 35_000 },
    { figure: "peakRssMb", target: "<= 400", met: f.peakRssMb <= 400 },
    { figure: "peakRssWithChildrenMb", target: "<= 450", met: f.peakRssWithChildrenMb <= 450 },
    { figure: "failedJobs", target: "= 0", met: f.failedJobs === 0 },
  ];
}

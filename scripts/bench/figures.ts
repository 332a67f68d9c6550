import type { ConcurrentRun } from "./concurrent.ts";
import type { NaiveJob } from "./naive-baseline.ts";
import type { SoloJob } from "./one-at-a-time.ts";
import { median } from "./percentiles.ts";

/** The headline figures: exactly the keys of the `--json` line. */
export interface BenchFigures {
  jobs: number;
  overheadRatio: number;
  naiveSpeedup: number;
  visionImagesPerVideoMinute: number;
  visionRequestsPerVideo: number;
  ackP95Ms: number;
  peakRssMb: number;
  failedJobs: number;
  throughputJobsPerMin: number;
}

/** Everything one run measured. */
export interface BenchRun {
  solo: SoloJob[];
  naive: NaiveJob[];
  concurrent: ConcurrentRun;
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));

/**
 * Reduces a run to the headline figures:
 * - jobs: jobs the service ran (one at a time + concurrent);
 * - overheadRatio: median over the one-at-a-time jobs of end-to-end / critical-path bound;
 * - naiveSpeedup: naive wall time / ours, both over the same videos sent one at a time;
 * - visionImagesPerVideoMinute: images sent to Vision per minute of video, over the video posts
 *   (a slideshow has no video minutes; its pictures are shown in the table);
 * - visionRequestsPerVideo: the most Vision requests any one post needed;
 * - ackP95Ms, peakRssMb, throughputJobsPerMin: from the concurrent run (peakRssMb is the
 *   service's own Node.js process; its yt-dlp/ffmpeg children are in the table);
 * - failedJobs: failed or unfinished service jobs, in both runs.
 */
export function figuresOf(run: BenchRun): BenchFigures {
  const videos = run.solo.filter((j) => j.video.kind === "video" && j.video.videoSeconds > 0);
  const videoMinutes = videos.reduce((sum, j) => sum + j.video.videoSeconds / 60, 0);
  const images = videos.reduce((sum, j) => sum + j.vision.images, 0);
  const ours = run.solo.reduce((sum, j) => sum + j.endToEndMs, 0);
  const naive = run.naive.reduce((sum, j) => sum + j.ms, 0);
  return {
    jobs: run.solo.length + run.concurrent.people,
    overheadRatio: round(median(run.solo.map((j) => j.ratio)), 3),
    naiveSpeedup: round(naive / ours, 2),
    visionImagesPerVideoMinute: round(videoMinutes > 0 ? images / videoMinutes : 0, 2),
    visionRequestsPerVideo: Math.max(0, ...run.solo.map((j) => j.vision.requests)),
    ackP95Ms: Math.round(run.concurrent.ackP95Ms),
    peakRssMb: Math.round(run.concurrent.peakServiceMb),
    failedJobs: run.solo.filter((j) => j.status !== "DONE").length + run.concurrent.failed + run.concurrent.unfinished,
    throughputJobsPerMin: round(run.concurrent.throughputJobsPerMin, 1),
  };
}

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
    { figure: "peakRssMb", target: "<= 400", met: f.peakRssMb <= 400 },
    { figure: "failedJobs", target: "= 0", met: f.failedJobs === 0 },
  ];
}

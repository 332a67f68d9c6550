import path from "node:path";
import { FIT_1280, type FfmpegTools, probe, type ProbeResult, runFfmpeg } from "./ffmpeg.ts";
import type { DownloadedMedia, Frame } from "./types.ts";

/**
 * Distinct frames for OCR. The video is sampled small and grey (a couple of frames a second); a
 * sample is kept when enough of its pixels differ clearly from the last kept one, which catches
 * both scene cuts and on-screen text changing over a still picture while ignoring sensor noise and
 * compression shimmer. A kept change is moved forward while the picture is still settling (fades,
 * text typed in), so OCR sees the finished text. The first frame is always kept; when more remain
 * than `maxFrames`, an even spread of them is taken. Chosen moments are then cut at full quality,
 * at most 1280 px on the long side, as JPEG.
 */

const SAMPLE_SIZE = 128;
const MAX_SAMPLES = 600;
const MAX_SAMPLES_PER_SECOND = 2;
/** A pixel "changed" when its grey level moved by more than this (noise stays well under). */
const PIXEL_DELTA = 24;
/** A sample is new when at least this share of its pixels changed: a caption line is about 2-5 %. */
const CHANGED_SHARE = 0.008;

/** Tuning for {@link chooseDistinctSamples}; the defaults suit phone videos. */
export interface DistinctOptions {
  pixelDelta?: number;
  changedShare?: number;
}

function changedShare(a: Buffer, b: Buffer, pixelDelta: number): number {
  let changed = 0;
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i]! - b[i]!) > pixelDelta) changed++;
  return changed / a.length;
}

/** Indexes of the samples that show something new, the first one included. */
export function chooseDistinctSamples(samples: Buffer[], options: DistinctOptions = {}): number[] {
  const delta = options.pixelDelta ?? PIXEL_DELTA;
  const share = options.changedShare ?? CHANGED_SHARE;
  if (samples.length === 0) return [];
  const kept = [0];
  let reference = samples[0]!;
  for (let i = 1; i < samples.length; i++) {
    if (changedShare(samples[i]!, reference, delta) < share) continue;
    let settled = i;
    while (settled + 1 < samples.length && changedShare(samples[settled + 1]!, samples[settled]!, delta) >= share) settled++;
    // The sample after the settled one shows the same picture and lies safely past the change
    // (a sample's timestamp can precede the moment its picture appeared by up to half a step).
    kept.push(Math.min(settled + 1, samples.length - 1));
    reference = samples[settled]!;
    i = settled;
  }
  return kept;
}

/** At most `max` items: the first, and an even spread of the rest. */
export function spread<T>(items: T[], max: number): T[] {
  if (items.length <= max) return items;
  if (max <= 1) return items.slice(0, 1);
  return Array.from({ length: max }, (_, k) => items[Math.round((k * (items.length - 1)) / (max - 1))]!);
}

/** How often a video of `durationSeconds` is sampled for changes (at most MAX_SAMPLES in all). */
export function sampleRate(durationSeconds: number | undefined): number {
  return Math.min(MAX_SAMPLES_PER_SECOND, MAX_SAMPLES / Math.max(durationSeconds ?? 0, 1));
}

/**
 * Input options for a run that samples a video: B-frames nothing refers to are not decoded (a
 * quarter of the decoding of a typical phone video, measured), as samples half a second apart
 * lose nothing by landing a frame or two away. The audio decoder ignores the option.
 */
export const SAMPLING_INPUT = ["-skip_frame", "noref"];

/** Output arguments (after the run's `-i`) that write small grey samples of its first video stream to stdout. */
export function sampleOutput(fps: number): string[] {
  return [
    "-map", "0:v:0", "-an", "-sn",
    "-vf", `fps=${fps},scale=${SAMPLE_SIZE}:${SAMPLE_SIZE}:flags=area,format=gray`,
    "-f", "rawvideo", "-pix_fmt", "gray", "pipe:1",
  ];
}

function samplesIn(raw: Buffer): Buffer[] {
  const size = SAMPLE_SIZE * SAMPLE_SIZE;
  const samples: Buffer[] = [];
  for (let offset = 0; offset + size <= raw.length; offset += size) samples.push(raw.subarray(offset, offset + size));
  return samples;
}

function framePath(workDir: string, index: number): string {
  return path.join(workDir, `frame-${String(index + 1).padStart(3, "0")}.jpg`);
}

async function framesOfVideo(tools: FfmpegTools, video: string, workDir: string, maxFrames: number, probed?: ProbeResult): Promise<Frame[]> {
  const fps = sampleRate((probed ?? (await probe(tools, video)))?.durationSeconds);
  return framesFromSamples(tools, video, workDir, await runFfmpeg(tools, [...SAMPLING_INPUT, "-i", video, ...sampleOutput(fps)]), fps, maxFrames);
}

/** The distinct frames of `video`, chosen on the samples a {@link sampleOutput} run wrote, as JPEG files. */
export async function framesFromSamples(tools: FfmpegTools, video: string, workDir: string, raw: Buffer, fps: number, maxFrames: number): Promise<Frame[]> {
  const times = spread(chooseDistinctSamples(samplesIn(raw)), maxFrames).map((i) => (i === 0 ? 0 : i / fps));
  const frames = times.map((time, index): Frame => ({ path: framePath(workDir, index), timeSeconds: time }));
  if (frames.length === 0) return frames;
  // One ffmpeg for every chosen frame (one input seeked to each moment, one picture out of each):
  // a process start per frame cost more CPU than the seeks themselves. One decoder thread per
  // input keeps the memory of a dozen open decoders small; each decodes a few frames only.
  await runFfmpeg(tools, [
    ...frames.flatMap((f) => ["-threads", "1", "-ss", f.timeSeconds.toFixed(3), "-i", video]),
    ...frames.flatMap((f, index) => ["-map", `${index}:v:0`, "-frames:v", "1", "-vf", FIT_1280, "-q:v", "3", f.path]),
  ]);
  return frames;
}

async function framesOfSlides(tools: FfmpegTools, images: string[], workDir: string, maxFrames: number): Promise<Frame[]> {
  const chosen = spread(images.map((image, index) => ({ image, index })), maxFrames);
  const frames = chosen.map(({ index }, n): Frame => ({ path: framePath(workDir, n), timeSeconds: index }));
  if (frames.length === 0) return frames;
  // One ffmpeg for every picture, as for a video's frames.
  await runFfmpeg(tools, [
    ...chosen.flatMap(({ image }) => ["-threads", "1", "-i", image]),
    ...frames.flatMap((f, n) => ["-map", `${n}:v:0`, "-frames:v", "1", "-vf", FIT_1280, "-q:v", "3", f.path]),
  ]);
  return frames;
}

/** The distinct frames of a post: its slides for a slideshow, else chosen from the video. */
export async function extractFrames(tools: FfmpegTools, media: DownloadedMedia, maxFrames: number): Promise<Frame[]> {
  if (media.imagePaths.length > 0) return framesOfSlides(tools, media.imagePaths, media.workDir, maxFrames);
  if (!media.videoPath) return [];
  return framesOfVideo(tools, media.videoPath, media.workDir, maxFrames, media.probed);
}

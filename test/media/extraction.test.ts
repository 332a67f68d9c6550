import { readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probe, resolveFfmpeg } from "../../src/media/index.ts";
import { makeAudioOnly, makeCaptionedClip, makeSilentClip, makeSlideshow } from "../fixtures/media.ts";
import { type MediaBench, openMediaBench } from "./setup.ts";

let bench: MediaBench;
const ffmpeg = () => resolveFfmpeg(bench.config);

beforeAll(async () => {
  bench = await openMediaBench();
  await makeCaptionedClip(bench.fixtures, {
    speech: "Hello there. Today we cook pasta in three simple steps. Boil the water, add the pasta, and enjoy your meal.",
  });
  await makeSilentClip(bench.fixtures);
  await makeSlideshow(bench.fixtures);
  await makeAudioOnly(bench.fixtures);
});

afterAll(async () => {
  await bench.close();
});

async function withWorkDir<T>(tools: ReturnType<MediaBench["tools"]>, run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await tools.createWorkDir("job-test");
  try {
    return await run(dir);
  } finally {
    await tools.removeWorkDir(dir);
  }
}

describe("a video post with speech and three captions", () => {
  it("downloads with its metadata, yields 3 to 5 distinct frames and the whole audio track", async () => {
    const tools = bench.tools();
    await withWorkDir(tools, async (dir) => {
      const started = performance.now();
      const media = await tools.download(bench.host.postUrl("captioned"), dir);
      const downloaded = performance.now();
      const [audio, frames] = await Promise.all([tools.extractAudio(media), tools.extractFrames(media)]);
      const finished = performance.now();

      expect(media.metadata).toEqual({
        title: "Fixture captioned",
        caption: "A test post called captioned #reelnotes #testing",
        uploader: "fixture.maker",
        durationSeconds: 20,
        thumbnailUrl: `${bench.host.url}/media/captioned.cover.jpg`,
        hashtags: ["reelnotes", "testing"],
        uploadDate: "2024-03-15",
        webpageUrl: bench.host.postUrl("captioned"),
        isSlideshow: false,
      });
      expect(JSON.parse(JSON.stringify(media.metadata))).toEqual(media.metadata);
      expect(media.videoPath).toMatch(/media\.mp4$/);
      expect(media.imagePaths).toEqual([]);

      expect(frames.length).toBeGreaterThanOrEqual(3);
      expect(frames.length).toBeLessThanOrEqual(5);
      expect(frames[0]!.timeSeconds).toBe(0);
      // One frame inside each caption's third of the clip.
      expect(frames.map((f) => Math.floor(f.timeSeconds / (20 / 3)))).toEqual([0, 1, 2]);
      for (const frame of frames) {
        const probed = await probe(ffmpeg(), frame.path);
        expect(frame.path).toMatch(/\.jpg$/);
        expect(Math.max(probed!.width!, probed!.height!)).toBeLessThanOrEqual(1280);
      }

      const source = await probe(ffmpeg(), media.videoPath!);
      const total = audio.reduce((sum, c) => sum + c.durationSeconds, 0);
      expect(audio).toHaveLength(1);
      expect(Math.abs(total - source!.audioDurationSeconds!)).toBeLessThan(0.2);
      const chunk = await probe(ffmpeg(), audio[0]!.path);
      expect(chunk).toMatchObject({ hasAudio: true, hasVideo: false });

      console.info(
        `[media figures] captioned 20 s clip: ${frames.length} frames at ${frames.map((f) => f.timeSeconds).join(", ")} s; ` +
          `audio ${total.toFixed(3)} s vs source ${source!.audioDurationSeconds} s; ` +
          `download ${Math.round(downloaded - started)} ms, extraction ${Math.round(finished - downloaded)} ms`,
      );
    });
  });

  it("reads a video with sound once for both its audio and its frames: the same chunks and frames, one ffmpeg run fewer", async () => {
    // An ffmpeg that notes each run, so the runs are counted rather than timed.
    const runs = path.join(bench.fixtures, "ffmpeg-runs.txt");
    const counting = path.join(bench.fixtures, "counting-ffmpeg");
    await writeFile(counting, `#!/bin/sh\necho run >> '${runs}'\nexec ${ffmpeg().ffmpeg} "$@"\n`, { mode: 0o755 });
    const runCount = async () => (await readFile(runs, "utf8").catch(() => "")).split("\n").filter(Boolean).length;
    const tools = bench.tools({ ffmpegPath: counting }, { audioChunkSeconds: 8 });
    const apart = await withWorkDir(tools, async (dir) => {
      const media = await tools.download(bench.host.postUrl("captioned"), dir);
      const before = await runCount();
      const [chunks, frames] = await Promise.all([tools.extractAudio(media), tools.extractFrames(media)]);
      return { chunks, frames, runs: (await runCount()) - before };
    });
    const together = await withWorkDir(tools, async (dir) => {
      const media = await tools.download(bench.host.postUrl("captioned"), dir);
      const before = await runCount();
      const { chunks, frames } = await tools.extract(media, { audio: true, frames: true });
      const runs = (await runCount()) - before;
      for (const chunk of chunks) expect(await probe(ffmpeg(), chunk.path)).toMatchObject({ hasAudio: true, hasVideo: false });
      for (const frame of frames) expect(await probe(ffmpeg(), frame.path)).toMatchObject({ hasVideo: true });
      return { chunks, frames, runs };
    });
    expect(together.runs).toBe(apart.runs - 1);
    expect(together.frames.map((f) => f.timeSeconds)).toEqual(apart.frames.map((f) => f.timeSeconds));
    expect(together.chunks.map((c) => [c.startSeconds, c.durationSeconds])).toEqual(apart.chunks.map((c) => [c.startSeconds, c.durationSeconds]));
    expect(together.chunks).toHaveLength(3);
  });

  it("splits the audio into ordered chunks of the configured length", async () => {
    const tools = bench.tools({}, { audioChunkSeconds: 8 });
    await withWorkDir(tools, async (dir) => {
      const media = await tools.download(bench.host.postUrl("captioned"), dir);
      const chunks = await tools.extractAudio(media);
      expect(chunks).toHaveLength(3);
      expect(chunks[0]!.startSeconds).toBe(0);
      for (const [i, chunk] of chunks.entries()) {
        if (i > 0) expect(chunk.startSeconds).toBeCloseTo(chunks[i - 1]!.startSeconds + chunks[i - 1]!.durationSeconds, 6);
        expect(chunk.durationSeconds).toBeLessThanOrEqual(8.1);
        expect((await stat(chunk.path)).size).toBeLessThan(25 * 1024 * 1024);
      }
      const total = chunks.reduce((sum, c) => sum + c.durationSeconds, 0);
      expect(Math.abs(total - 20)).toBeLessThan(0.2);
    });
  });

  it("caps the frames at MAX_FRAMES, keeping the first", async () => {
    const tools = bench.tools({ maxFrames: 2 });
    await withWorkDir(tools, async (dir) => {
      const frames = await tools.extractFrames(await tools.download(bench.host.postUrl("captioned"), dir));
      expect(frames).toHaveLength(2);
      expect(frames[0]!.timeSeconds).toBe(0);
      expect(frames[1]!.timeSeconds).toBeGreaterThan(20 / 3);
    });
  });
});

describe("posts without pictures or sound", () => {
  it("gives no audio for a video without an audio stream, and still its frame", async () => {
    const tools = bench.tools();
    await withWorkDir(tools, async (dir) => {
      const media = await tools.download(bench.host.postUrl("silent"), dir);
      expect(await tools.extractAudio(media)).toEqual([]);
      expect(await tools.extractFrames(media)).toHaveLength(1);
    });
  });

  it("keeps the voice of an audio-only post and gives no frames", async () => {
    const tools = bench.tools();
    await withWorkDir(tools, async (dir) => {
      const media = await tools.download(bench.host.postUrl("audio-only"), dir);
      expect(media.metadata.isSlideshow).toBe(true);
      expect(media.imagePaths).toEqual([]);
      expect(await tools.extractFrames(media)).toEqual([]);
      const audio = await tools.extractAudio(media);
      expect(audio).toHaveLength(1);
      expect(audio[0]!.durationSeconds).toBeGreaterThan(1);
    });
  });
});

describe("a slideshow (photo) post", () => {
  it("downloads its ten images in order as the frames and keeps its soundtrack", async () => {
    const tools = bench.tools();
    await withWorkDir(tools, async (dir) => {
      const media = await tools.download(bench.host.postUrl("slideshow"), dir);
      expect(media.metadata.isSlideshow).toBe(true);
      expect(media.videoPath).toBeUndefined();
      expect(media.imagePaths).toHaveLength(10);
      expect(media.audioPath).toBeDefined();
      const fixtureSizes = await Promise.all(
        Array.from({ length: 10 }, (_, i) => stat(`${bench.fixtures}/slideshow-${String(i + 1).padStart(2, "0")}.jpg`).then((s) => s.size)),
      );
      const downloadedSizes = await Promise.all(media.imagePaths.map((p) => stat(p).then((s) => s.size)));
      expect(downloadedSizes).toEqual(fixtureSizes);

      const frames = await tools.extractFrames(media);
      expect(frames.map((f) => f.timeSeconds)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      const first = await probe(ffmpeg(), frames[0]!.path);
      expect([first!.width, first!.height]).toEqual([720, 1280]);
      expect(await tools.extractAudio(media)).toHaveLength(1);
    });
  });
});

describe("clean-up", () => {
  it("leaves no work folder behind", async () => {
    expect(await bench.workDirsLeft()).toEqual([]);
  });
});

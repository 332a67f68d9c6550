import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOpenAiTranscriber, createTesseractReader, createVisionReader } from "../../src/ai/index.ts";
import { restAnnotateBatch } from "../../src/ai/vision-rest.ts";
import { loadConfig } from "../../src/config.ts";
import { createMediaTools, type DownloadedMedia } from "../../src/media/index.ts";
import { startOpenAiEmulator, type OpenAiEmulator } from "../emulators/openai.ts";
import { startVisionEmulator, type VisionEmulator } from "../emulators/vision.ts";
import { makeCaptionedClip } from "../fixtures/media.ts";
import { capturingLogger } from "./log-capture.ts";
import { captionsFound } from "./caption-match.ts";

/**
 * The intake issue's three-caption clip (test/fixtures/media.ts), cut by the media room exactly
 * as the pipeline does, read by the AI room: each caption once, speech timed over the clip.
 */

const CAPTIONS = ["Step one: boil water", "Step two: add pasta", "Step three: enjoy"];

let dir: string;
let media: DownloadedMedia;
let framePaths: string[];
let vision: VisionEmulator;
let openai: OpenAiEmulator;
const tools = () => createMediaTools(loadConfig({}).media, capturingLogger().log, { workRoot: dir });

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "ai-intake-"));
  const clip = await makeCaptionedClip(dir, { captions: CAPTIONS, speech: "Boil the water. Add the pasta. Enjoy it warm." });
  media = { workDir: dir, videoPath: clip.path, imagePaths: [], metadata: { hashtags: [], webpageUrl: "https://example.test/v", isSlideshow: false } };
  framePaths = (await tools().extractFrames(media)).map((f) => f.path);
  [vision, openai] = await Promise.all([startVisionEmulator({ workers: 2 }), startOpenAiEmulator()]);
});

afterAll(async () => {
  await Promise.all([vision?.stop(), openai?.stop()]);
  await rm(dir, { recursive: true, force: true });
});

describe("the intake issue's three-caption clip", () => {
  it("reads each caption once through Google Vision (emulator, real OCR)", async () => {
    const reader = createVisionReader(restAnnotateBatch({ endpoint: vision.url, apiKey: vision.apiKey, timeoutMs: 30_000 }), capturingLogger().log);
    const text = await reader.read(framePaths);
    console.log(`intake clip: ${framePaths.length} frames; Vision lines ${JSON.stringify(text.lines)}`);
    expect(captionsFound(text.lines, CAPTIONS)).toEqual([1, 1, 1]);
    expect(text.lines).toHaveLength(3);
    expect(text.requests).toBe(1);
  });

  it("reads each caption once locally with tesseract.js", async () => {
    const reader = createTesseractReader(2, capturingLogger().log);
    try {
      const text = await reader.read(framePaths);
      console.log(`intake clip: local lines ${JSON.stringify(text.lines)}`);
      expect(captionsFound(text.lines, CAPTIONS)).toEqual([1, 1, 1]);
      expect(text.lines).toHaveLength(3);
    } finally {
      await reader.close();
    }
  });

  it("transcribes its audio chunks with segments spread over the clip's real length", async () => {
    const chunks = await tools().extractAudio(media);
    const transcriber = createOpenAiTranscriber({ apiKey: openai.apiKey, baseUrl: `${openai.url}/v1`, model: "whisper-1", timeoutMs: 30_000 }, capturingLogger().log);
    const transcript = await transcriber.transcribe(chunks);
    expect(transcript.segments.length).toBeGreaterThan(1);
    expect(transcript.segments.at(-1)!.end).toBeCloseTo(20, 0);
    expect(transcript.audioSeconds).toBeCloseTo(20, 0);
  });
});

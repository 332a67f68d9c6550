import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOpenAiTranscriber } from "../../src/ai/index.ts";
import { createLogger } from "../../src/log.ts";
import { createMediaTools } from "../../src/media/index.ts";
import { loadConfig } from "../../src/config.ts";
import { startOpenAiEmulator, type OpenAiEmulator } from "../emulators/openai.ts";
import { makeSpeech } from "../fixtures/media.ts";

/**
 * A long clip's audio is cut at pauses into chunks transcribed side by side and stitched in
 * order. Real speech from espeak-ng, real ffmpeg cuts, the real openai SDK; the OpenAI emulator
 * answers one "word" per stretch of sound in each upload, so the stitched transcript has exactly
 * as many words as the uncut audio only when no cut lost or split (doubled) a word.
 */

const SENTENCES = [
  "Today I am making a quick tomato pasta for two people.",
  "Bring a big pot of salted water to the boil and add the pasta.",
  "While it cooks, warm olive oil in a pan and fry two cloves of garlic.",
  "Add a tin of chopped tomatoes, a pinch of salt and some chili flakes.",
  "Let the sauce simmer for ten minutes and stir it now and then.",
  "Drain the pasta, keep a cup of the water, and toss everything together.",
  "Finish with basil and parmesan, and serve it warm.",
];

let dir: string;
let openai: OpenAiEmulator;
const log = createLogger({ logLevel: "silent", logPretty: false });

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "reelnotes-speech-chunks-"));
  openai = await startOpenAiEmulator({ wordPerSoundBurst: true });
});
afterAll(async () => {
  await openai?.stop();
  await rm(dir, { recursive: true, force: true });
});

function transcriber() {
  return createOpenAiTranscriber({ apiKey: openai.apiKey, baseUrl: `${openai.url}/v1`, model: "whisper-1", timeoutMs: 60_000 }, log);
}

function tools(chunkSeconds: number) {
  const media = loadConfig({}).media;
  return createMediaTools(media, log, { workRoot: path.join(dir, `work-${chunkSeconds}`), audioChunkSeconds: chunkSeconds });
}

describe("long speech cut at pauses", () => {
  it("cuts a minute of speech into chunks at pauses, transcribes them side by side, and stitches every word once, in order", async () => {
    const speech = await makeSpeech(dir, "recipe", [...SENTENCES, ...SENTENCES].join(" "));

    const whole = tools(600);
    const wholeDir = await whole.createWorkDir("whole");
    const [one] = await whole.extractAudio({ workDir: wholeDir, audioPath: speech, imagePaths: [], metadata: { hashtags: [], webpageUrl: "x", isSlideshow: false } });
    const reference = await transcriber().transcribe([one!]);
    const words = reference.text.split(" ").length;
    expect(words).toBeGreaterThan(10);

    const uploadsBefore = openai.uploads.length;
    const cut = tools(10);
    const cutDir = await cut.createWorkDir("cut");
    const chunks = await cut.extractAudio({ workDir: cutDir, audioPath: speech, imagePaths: [], metadata: { hashtags: [], webpageUrl: "x", isSlideshow: false } });
    expect(chunks.length).toBeGreaterThanOrEqual(Math.floor(one!.durationSeconds / 10));
    for (const [i, chunk] of chunks.entries()) {
      expect(chunk.durationSeconds).toBeLessThanOrEqual(10.05);
      if (i > 0) expect(chunk.startSeconds).toBeCloseTo(chunks[i - 1]!.startSeconds + chunks[i - 1]!.durationSeconds, 6);
    }
    const stitched = await transcriber().transcribe(chunks);

    expect(openai.uploads.length - uploadsBefore).toBe(chunks.length);
    expect(stitched.text.split(" ").length).toBe(words);
    expect(stitched.audioSeconds).toBeCloseTo(one!.durationSeconds, 0);
    // Segments follow the video's clock: each chunk's timings shifted by its start, in order.
    const starts = stitched.segments.map((s) => s.start);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(stitched.segments.at(-1)!.end).toBeGreaterThan(chunks.at(-1)!.startSeconds);
  });
});

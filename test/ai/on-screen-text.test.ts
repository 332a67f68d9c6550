import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AiRequestError, createOnScreenTextReader, createTesseractReader, createVisionReader } from "../../src/ai/index.ts";
import { restAnnotateBatch } from "../../src/ai/vision-rest.ts";
import { loadConfig } from "../../src/config.ts";
import { startVisionEmulator, type VisionEmulator } from "../emulators/vision.ts";
import { expectRetryAfterRespected, failThirtyPercent } from "./fault-pauses.ts";
import { capturingLogger, usageLogged } from "./log-capture.ts";
import { makeCaptionFrames, THREE_CAPTIONS } from "./media.ts";

const quickRetries = { retries: 6, minDelayMs: 20, maxDelayMs: 200, maxRetryAfterMs: 5_000 };

let dir: string;
let emulator: VisionEmulator;
/** Five frames as the media room extracts them from the three-caption clip: captions 1 and 2 twice. */
let clipFrames: string[];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "ai-ocr-"));
  const frames = await makeCaptionFrames(dir, THREE_CAPTIONS, 2);
  clipFrames = frames.slice(0, 5);
  emulator = await startVisionEmulator({ workers: 2 });
});

afterAll(async () => {
  await emulator.stop();
  await rm(dir, { recursive: true, force: true });
});

function visionReader(log = capturingLogger().log, apiKey = emulator.apiKey) {
  return createVisionReader(restAnnotateBatch({ endpoint: emulator.url, apiKey, timeoutMs: 20_000 }), log, quickRetries);
}

describe("on-screen text of the three-caption clip", () => {
  it("through Google Vision (emulator with real OCR): each caption once, in order, in one request", async () => {
    const { log, lines } = capturingLogger();
    const before = emulator.requests.length;
    const text = await visionReader(log).read(clipFrames, { jobId: "job-vision" });
    expect(text.lines).toEqual(THREE_CAPTIONS);
    expect(text).toMatchObject({ engine: "vision", images: 5, requests: 1 });
    expect(emulator.requests.length - before).toBe(1);
    expect(usageLogged(lines, "job-vision")).toEqual([{ provider: "vision", images: 5 }]);
  });

  it("locally with tesseract.js: each caption once, in order, and 12 frames timed", async () => {
    const { log, lines } = capturingLogger();
    const reader = createTesseractReader(2, log);
    try {
      const coldStart = performance.now();
      const text = await reader.read(clipFrames, { jobId: "job-local" });
      console.log(`local OCR first call (starts 2 workers): 5 frames in ${Math.round(performance.now() - coldStart)} ms`);
      expect(text.lines).toEqual(THREE_CAPTIONS);
      expect(text).toMatchObject({ engine: "tesseract", images: 5, requests: 0 });
      expect(usageLogged(lines, "job-local")).toEqual([{ provider: "tesseract", images: 5 }]);

      const twelve = await makeCaptionFrames(dir, ["Twelve frames", "Of a longer video", "With four captions", "Last one here"], 3, "twelve");
      const started = performance.now();
      const many = await reader.read(twelve);
      const ms = performance.now() - started;
      console.log(`local OCR (tesseract.js, 2 workers, warm pool): 12 frames of 540x960 in ${Math.round(ms)} ms (${Math.round(ms / 12)} ms per frame)`);
      expect(many.images).toBe(12);
      expect(many.lines.some((line) => /longer video/i.test(line))).toBe(true);
    } finally {
      await reader.close();
    }
  });
});

describe("Vision reader", () => {
  it("sends at most 16 images per request: 20 frames make two requests", async () => {
    const fast = await startVisionEmulator({ textFor: (_image, index) => [`Line ${index % 3}`] });
    try {
      const reader = createVisionReader(restAnnotateBatch({ endpoint: fast.url, apiKey: fast.apiKey, timeoutMs: 5_000 }), capturingLogger().log, quickRetries);
      const frames = Array.from({ length: 20 }, () => clipFrames[0]!);
      const text = await reader.read(frames);
      expect(text.requests).toBe(2);
      expect(fast.requests.map((r) => (r.body as { requests: unknown[] }).requests.length)).toEqual([16, 4]);
      expect(text.lines).toEqual(["Line 0", "Line 1", "Line 2"]);
    } finally {
      await fast.stop();
    }
  });

  it("skips a frame Vision cannot decode and reads the others", async () => {
    const broken = path.join(dir, "broken.jpg");
    await writeFile(broken, "this is not a picture at all");
    const { log, lines } = capturingLogger();
    const text = await visionReader(log).read([broken, clipFrames[0]!]);
    expect(text.lines).toEqual([THREE_CAPTIONS[0]]);
    expect(lines.some((l) => l.msg === "vision could not read a frame")).toBe(true);
  });

  it("fails at once with a request error on a 400 (an API key Google does not know)", async () => {
    const before = emulator.requests.length;
    const failure = await visionReader(undefined, "not-a-key").read([clipFrames[0]!]).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AiRequestError);
    expect(failure).toMatchObject({ status: 400 });
    expect(emulator.requests.length - before).toBe(1);
  });

  it("succeeds on every call with 30% of calls failing with 429/503, waiting out each Retry-After", async () => {
    const flaky = await startVisionEmulator({ textFor: () => ["Flaky but fine"] });
    failThirtyPercent(flaky.behaviour);
    try {
      const reader = createVisionReader(restAnnotateBatch({ endpoint: flaky.url, apiKey: flaky.apiKey, timeoutMs: 5_000 }), capturingLogger().log, quickRetries);
      for (let call = 0; call < 12; call++) expect((await reader.read([clipFrames[0]!])).lines).toEqual(["Flaky but fine"]);
      expectRetryAfterRespected("vision", 12, flaky.requests);
    } finally {
      await flaky.stop();
    }
  });

  it("is chosen with a Vision API key; without Google credentials OCR runs locally", async () => {
    const local = createOnScreenTextReader(loadConfig({}), capturingLogger().log);
    const remote = createOnScreenTextReader(loadConfig({ GOOGLE_VISION_API_KEY: emulator.apiKey, VISION_API_ENDPOINT: emulator.url }), capturingLogger().log);
    try {
      expect((await remote.read([clipFrames[4]!])).engine).toBe("vision");
    } finally {
      await Promise.all([local.close(), remote.close()]);
    }
  });
});

describe("Vision emulator contract", () => {
  const annotate = (body: unknown, headers: Record<string, string> = { "x-goog-api-key": emulator.apiKey }) =>
    fetch(`${emulator.url}/v1/images:annotate`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  const image = { content: Buffer.from("x".repeat(20)).toString("base64") };

  it("refuses more than 16 images in one request with INVALID_ARGUMENT", async () => {
    const response = await annotate({ requests: Array.from({ length: 17 }, () => ({ image, features: [{ type: "TEXT_DETECTION" }] })) });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 400, status: "INVALID_ARGUMENT" } });
  });

  it("asks for a key when none is sent, and accepts a key in the query or a bearer token", async () => {
    expect((await annotate({ requests: [] }, {})).status).toBe(403);
    const viaQuery = await fetch(`${emulator.url}/v1/images:annotate?key=${emulator.apiKey}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ requests: [{ image, features: [{ type: "TEXT_DETECTION" }] }] }),
    });
    expect(await viaQuery.json()).toEqual({ responses: [{ error: { code: 3, message: "Bad image data." } }] });
    const viaBearer = await annotate({ requests: [{ image, features: [{ type: "LABEL_DETECTION" }] }] }, { authorization: `Bearer ${emulator.bearerToken}` });
    expect(viaBearer.status).toBe(200);
  });
});

import { mkdtemp, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AiQuotaExhaustedError, AiRequestError, createOpenAiTranscriber, createTranscriber, type ChunkTranscript } from "../../src/ai/index.ts";
import { loadConfig } from "../../src/config.ts";
import { TransientError, UserFacingError } from "../../src/errors.ts";
import { startOpenAiEmulator, type OpenAiEmulator } from "../emulators/openai.ts";
import { expectRetryAfterRespected, failThirtyPercent } from "./fault-pauses.ts";
import { makeSpeech } from "./media.ts";
import { capturingLogger, usageLogged } from "./log-capture.ts";

const quickRetries = { retries: 6, minDelayMs: 20, maxDelayMs: 200, maxRetryAfterMs: 5_000 };

let dir: string;
let emulator: OpenAiEmulator;
let first: string;
let second: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "ai-transcriber-"));
  [first, second] = await Promise.all([
    makeSpeech(dir, "first.wav", "Boil the water for ten minutes."),
    makeSpeech(dir, "second.mp3", "Then add the pasta and stir."),
  ]);
  emulator = await startOpenAiEmulator({
    transcript: (upload) => (upload.filename.startsWith("first") ? "Boil the water. Wait ten minutes." : "Then add the pasta and stir."),
  });
});

afterAll(async () => {
  await emulator.stop();
  await rm(dir, { recursive: true, force: true });
});

function transcriber(model: string, log = capturingLogger().log, timeoutMs = 10_000) {
  return createOpenAiTranscriber({ apiKey: emulator.apiKey, baseUrl: `${emulator.url}/v1`, model, timeoutMs, retry: quickRetries }, log);
}

describe("OpenAI transcriber against the emulator", () => {
  it("stitches chunks in video order, shifts whisper-1 segment timings by each chunk's start, and reports the language", async () => {
    const chunks = [
      { path: second, startSeconds: 30, durationSeconds: 2 },
      { path: first, startSeconds: 0, durationSeconds: 30 },
    ];
    const transcript = await transcriber("whisper-1").transcribe(chunks);
    expect(transcript.text).toBe("Boil the water. Wait ten minutes. Then add the pasta and stir.");
    expect(transcript.language).toBe("english");
    expect(transcript.segments.map((s) => s.text)).toEqual(["Boil the water.", "Wait ten minutes.", "Then add the pasta and stir."]);
    const secondUpload = emulator.uploads.find((u) => u.filename.startsWith("second"))!;
    const last = transcript.segments[2]!;
    expect(last.start).toBe(30);
    expect(last.end).toBeCloseTo(30 + secondUpload.durationSeconds, 1);
    expect(transcript.audioSeconds).toBe(32);
  });

  it("asks gpt-4o transcribers for json (they refuse verbose_json) and keeps one segment per chunk", async () => {
    const before = emulator.requests.length;
    const transcript = await transcriber("gpt-4o-mini-transcribe").transcribe([{ path: first, startSeconds: 5, durationSeconds: 3 }]);
    expect(transcript).toMatchObject({ text: "Boil the water. Wait ten minutes.", language: undefined, segments: [{ start: 5, end: 8 }] });
    expect(emulator.requests.slice(before).map((r) => (r.body as { response_format?: string }).response_format)).toEqual(["json"]);
  });

  it("logs audio seconds per call with the job id", async () => {
    const { log, lines } = capturingLogger();
    await transcriber("whisper-1", log).transcribe([{ path: first, startSeconds: 0, durationSeconds: 2 }], { jobId: "job-usage" });
    const [usage] = usageLogged(lines, "job-usage");
    expect(usage).toMatchObject({ provider: "openai" });
    expect(usage!.audioSeconds).toBeGreaterThan(0);
  });

  it("names each call's chunk in its usage line, so two chunks billed alike are still two answers", async () => {
    const { log, lines } = capturingLogger();
    const chunks = [
      { path: first, startSeconds: 0, durationSeconds: 2 },
      { path: first, startSeconds: 2, durationSeconds: 2 },
    ];
    await transcriber("whisper-1", log).transcribe(chunks, { jobId: "job-chunks" });
    const logged = lines.filter((l) => l.msg === "ai usage" && l.jobId === "job-chunks");
    expect(logged.map((l) => (l.usage as { audioSeconds: number }).audioSeconds).every((s, _, all) => s === all[0])).toBe(true);
    expect(logged.map((l) => l.chunk).sort()).toEqual([0, 1]);
  });

  it("sends only the chunks an earlier attempt did not transcribe, and hands each new one over as it arrives", async () => {
    const earlier = { startSeconds: 0, durationSeconds: 30, text: "Boil the water. Wait ten minutes.", language: "english", segments: [{ start: 0, end: 2, text: "Boil the water. Wait ten minutes." }] };
    const kept: ChunkTranscript[] = [];
    const before = emulator.uploads.length;
    const transcript = await transcriber("whisper-1").transcribe(
      [
        { path: first, startSeconds: 0, durationSeconds: 30 },
        { path: second, startSeconds: 30, durationSeconds: 2 },
      ],
      { done: [earlier], onChunk: async (part) => void kept.push(part) },
    );
    expect(emulator.uploads.slice(before).map((u) => u.filename)).toEqual(["second.mp3"]);
    expect(kept.map((k) => [k.startSeconds, k.durationSeconds, k.text])).toEqual([[30, 2, "Then add the pasta and stir."]]);
    expect(transcript.text).toBe("Boil the water. Wait ten minutes. Then add the pasta and stir.");
  });

  it("hands over the chunks that answered before failing for a chunk that cannot be transcribed", async () => {
    const notAudio = path.join(dir, "broken.txt");
    await writeFile(notAudio, "not audio at all");
    const kept: ChunkTranscript[] = [];
    const failure = await transcriber("whisper-1")
      .transcribe(
        [
          { path: notAudio, startSeconds: 0, durationSeconds: 30 },
          { path: second, startSeconds: 30, durationSeconds: 2 },
        ],
        { onChunk: async (part) => void kept.push(part) },
      )
      .catch((e: unknown) => e);
    expect(failure).toMatchObject({ kind: "video_unreadable" });
    expect(kept.map((k) => k.text)).toEqual(["Then add the pasta and stir."]);
  });

  it("is not created without an OpenAI key", () => {
    expect(createTranscriber(loadConfig({}), capturingLogger().log)).toBeUndefined();
    expect(createTranscriber(loadConfig({ OPENAI_API_KEY: "sk-x" }), capturingLogger().log)).toBeDefined();
  });
});

describe("OpenAI transcriber failures", () => {
  it("fails at once with a typed error on a 400 (a file type OpenAI does not take)", async () => {
    const notAudio = path.join(dir, "notes.txt");
    await writeFile(notAudio, "not audio at all");
    const before = emulator.requests.length;
    const failure = await transcriber("whisper-1").transcribe([{ path: notAudio, startSeconds: 0, durationSeconds: 1 }]).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(UserFacingError);
    expect(failure).toMatchObject({ kind: "video_unreadable" });
    expect(emulator.requests.length - before).toBe(1);
  });

  it("fails at once with a request error on a wrong key", async () => {
    const wrongKey = createOpenAiTranscriber(
      { apiKey: "sk-wrong-key-123", baseUrl: `${emulator.url}/v1`, model: "whisper-1", timeoutMs: 5_000, retry: quickRetries },
      capturingLogger().log,
    );
    const before = emulator.requests.length;
    const failure = await wrongKey.transcribe([{ path: first, startSeconds: 0, durationSeconds: 1 }]).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AiRequestError);
    expect(failure).toMatchObject({ status: 401 });
    expect(emulator.requests.length - before).toBe(1);
  });

  it("stops at once on 429 insufficient_quota (a spent account), without the retry storm a rate limit gets", async () => {
    emulator.setQuotaExhausted(true);
    const before = emulator.requests.length;
    try {
      const failure = await transcriber("whisper-1").transcribe([{ path: first, startSeconds: 0, durationSeconds: 1 }]).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(AiQuotaExhaustedError);
      expect(failure).not.toBeInstanceOf(TransientError);
      expect(failure).toMatchObject({ service: "openai", status: 429 });
    } finally {
      emulator.setQuotaExhausted(false);
    }
    expect(emulator.requests.slice(before).map((r) => r.status)).toEqual([429]);
  });

  it("refuses a chunk over 25 MB before uploading it", async () => {
    const huge = path.join(dir, "huge.wav");
    await writeFile(huge, "");
    await truncate(huge, 26 * 1024 * 1024);
    const before = emulator.requests.length;
    const failure = await transcriber("whisper-1").transcribe([{ path: huge, startSeconds: 0, durationSeconds: 1 }]).catch((e: unknown) => e);
    expect(failure).toMatchObject({ kind: "video_too_large" });
    expect(emulator.requests.length).toBe(before);
  });

  it("succeeds on every call with 30% of calls failing with 429/503, waiting out each Retry-After", async () => {
    failThirtyPercent(emulator.behaviour);
    const before = emulator.requests.length;
    try {
      for (let call = 0; call < 12; call++) {
        const transcript = await transcriber("whisper-1").transcribe([{ path: second, startSeconds: 0, durationSeconds: 2 }]);
        expect(transcript.text).toBe("Then add the pasta and stir.");
      }
    } finally {
      emulator.behaviour.faultRate = 0;
    }
    expectRetryAfterRespected("openai", 12, emulator.requests.slice(before));
  });

  it("stops waiting out a Retry-After as soon as the caller aborts", async () => {
    emulator.failNext({ kind: "429", retryAfterSeconds: 3 });
    const controller = new AbortController();
    const before = emulator.requests.length;
    // Aborted the moment the transcriber starts waiting out the 3 s.
    const { log } = capturingLogger((line) => {
      if (line.msg === "ai call failed, retrying") controller.abort(new Error("job cancelled"));
    });
    const failure = await transcriber("whisper-1", log)
      .transcribe([{ path: first, startSeconds: 0, durationSeconds: 1 }], { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(failure).not.toBeInstanceOf(TransientError);
    expect((failure as Error).message).toContain("job cancelled");
    expect(emulator.requests.length - before).toBe(1);
  });

  it("hands a Retry-After longer than its budget allows straight back to the pipeline", async () => {
    emulator.failNext({ kind: "429", retryAfterSeconds: 30 });
    const before = emulator.requests.length;
    const failure = await transcriber("whisper-1").transcribe([{ path: first, startSeconds: 0, durationSeconds: 1 }]).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TransientError);
    expect(failure).toMatchObject({ kind: "rate_limited", retryAfterMs: 30_000 });
    expect(emulator.requests.length - before).toBe(1);
  });

  it("gives up with a TransientError when every attempt times out", async () => {
    emulator.failNext({ kind: "hang" });
    emulator.failNext({ kind: "hang" });
    const impatient = createOpenAiTranscriber(
      { apiKey: emulator.apiKey, baseUrl: `${emulator.url}/v1`, model: "whisper-1", timeoutMs: 300, retry: { ...quickRetries, retries: 1 } },
      capturingLogger().log,
    );
    const failure = await impatient.transcribe([{ path: first, startSeconds: 0, durationSeconds: 1 }]).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TransientError);
    expect(failure).toMatchObject({ kind: "timeout" });
  });
});

describe("OpenAI emulator contract", () => {
  const client = () => new OpenAI({ apiKey: emulator.apiKey, baseURL: `${emulator.url}/v1`, maxRetries: 0 });

  it("refuses verbose_json for gpt-4o-mini-transcribe as the real API does", async () => {
    const { createReadStream } = await import("node:fs");
    const failure = await client()
      .audio.transcriptions.create({ file: createReadStream(first), model: "gpt-4o-mini-transcribe", response_format: "verbose_json" })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
    expect((failure as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("response_format");
  });

  it("answers 404 model_not_found for an unknown model", async () => {
    const { createReadStream } = await import("node:fs");
    const failure = await client()
      .audio.transcriptions.create({ file: createReadStream(first), model: "whisper-9" })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(OpenAI.NotFoundError);
    expect((failure as InstanceType<typeof OpenAI.NotFoundError>).code).toBe("model_not_found");
  });

  it("answers 413 for an upload over 25 MB", async () => {
    const huge = path.join(dir, "upload-huge.wav");
    await writeFile(huge, "");
    await truncate(huge, 26 * 1024 * 1024);
    const { createReadStream } = await import("node:fs");
    const failure = await client()
      .audio.transcriptions.create({ file: createReadStream(huge), model: "whisper-1" })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as InstanceType<typeof OpenAI.APIError>).status).toBe(413);
  });
});

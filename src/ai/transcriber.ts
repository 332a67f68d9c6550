import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import PQueue from "p-queue";
import OpenAI from "openai";
import { UserFacingError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { classifyOpenAiFailure } from "./openai-failure.ts";
import { defaultRetryPolicy, withRetries, type RetryPolicy } from "./retry.ts";
import type { AudioChunkInput, CallOptions, ChunkTranscript, Transcriber, Transcript, TranscribeOptions } from "./types.ts";
import { reportUsage } from "./usage.ts";

/** OpenAI's upload limit for one transcription request. */
export const MAX_TRANSCRIPTION_BYTES = 25 * 1024 * 1024;

/** Settings of the OpenAI transcriber; `timeoutMs` bounds each attempt. */
export interface OpenAiTranscriberOptions {
  apiKey: string;
  baseUrl: string;
  model: string;
  timeoutMs: number;
  retry?: RetryPolicy;
}

/** Transcription requests this process has open at once (a 3-minute clip is six to twelve chunks). */
export const CHUNKS_IN_FLIGHT = 8;

/** Only whisper-1 answers `verbose_json` (language + segment timings); the gpt-4o transcribers answer `json`. */
function givesTimings(model: string): boolean {
  return model.startsWith("whisper");
}

/**
 * Transcribes a clip's chunks side by side (at most CHUNKS_IN_FLIGHT requests at once in this
 * process, over all jobs) and stitches them in video order, shifting segment timings by each
 * chunk's start in the video. The chunks were cut in pauses, so their texts join with a space.
 */
export function createOpenAiTranscriber(options: OpenAiTranscriberOptions, log: Logger): Transcriber {
  const inFlight = new PQueue({ concurrency: CHUNKS_IN_FLIGHT });
  // The SDK's own retries are off so the retry budget and the Retry-After handling are ours alone.
  const client = new OpenAI({ apiKey: options.apiKey, baseURL: options.baseUrl, maxRetries: 0, timeout: options.timeoutMs });
  const policy = options.retry ?? defaultRetryPolicy;

  async function transcribeChunk(chunk: AudioChunkInput, index: number, call: CallOptions): Promise<ChunkTranscript> {
    const { size } = await stat(chunk.path);
    if (size > MAX_TRANSCRIPTION_BYTES) {
      throw new UserFacingError("video_too_large", "error.audioTooLong");
    }
    const timed = givesTimings(options.model);
    const answer = await withRetries(
      async () => {
        try {
          // A fresh stream per attempt: a failed upload has consumed the previous one.
          const file = createReadStream(chunk.path);
          if (timed) {
            return await client.audio.transcriptions.create(
              { file, model: options.model, response_format: "verbose_json", timestamp_granularities: ["segment"] },
              { signal: call.signal },
            );
          }
          return await client.audio.transcriptions.create(
            { file, model: options.model, response_format: "json" },
            { signal: call.signal },
          );
        } catch (error) {
          throw classifyOpenAiFailure(error, call.signal);
        }
      },
      { policy, log, what: `transcribe ${path.basename(chunk.path)}`, signal: call.signal },
    );
    const usage = answer.usage;
    reportUsage(
      log,
      {
        provider: "openai",
        audioSeconds: usage?.type === "duration" ? usage.seconds : chunk.durationSeconds,
        inputTokens: usage?.type === "tokens" ? usage.input_tokens : undefined,
        outputTokens: usage?.type === "tokens" ? usage.output_tokens : undefined,
      },
      call,
      index,
    );
    const text = answer.text.trim();
    const segments =
      "segments" in answer && answer.segments
        ? answer.segments.map((s) => ({ start: chunk.startSeconds + s.start, end: chunk.startSeconds + s.end, text: s.text.trim() }))
        : [{ start: chunk.startSeconds, end: chunk.startSeconds + chunk.durationSeconds, text }];
    const language = "language" in answer && typeof answer.language === "string" ? answer.language : undefined;
    return { startSeconds: chunk.startSeconds, durationSeconds: chunk.durationSeconds, text, language, segments: segments.filter((s) => s.text !== "") };
  }

  /** A chunk's words: from an earlier attempt when it transcribed this very stretch, else asked for and handed to `onChunk`. */
  async function chunkWords(chunk: AudioChunkInput, index: number, call: TranscribeOptions): Promise<ChunkTranscript> {
    const earlier = call.done?.find((d) => d.startSeconds === chunk.startSeconds && d.durationSeconds === chunk.durationSeconds);
    if (earlier) return earlier;
    const part = await inFlight.add(() => transcribeChunk(chunk, index, call), { signal: call.signal });
    await call.onChunk?.(part);
    return part;
  }

  return {
    async transcribe(chunks, call = {}) {
      const ordered = [...chunks].sort((a, b) => a.startSeconds - b.startSeconds);
      // A failed chunk (its retries are inside) fails the whole, but only once the others have answered and been kept.
      const settled = await Promise.allSettled(ordered.map((chunk, index) => chunkWords(chunk, index, call)));
      const failure = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
      if (failure) throw failure.reason;
      const parts = settled.map((r) => (r as PromiseFulfilledResult<ChunkTranscript>).value);
      const transcript: Transcript = {
        text: parts.map((p) => p.text).filter(Boolean).join(" "),
        language: parts.find((p) => p.language)?.language,
        segments: parts.flatMap((p) => p.segments),
        audioSeconds: ordered.reduce((sum, c) => sum + c.durationSeconds, 0),
      };
      return transcript;
    },
  };
}

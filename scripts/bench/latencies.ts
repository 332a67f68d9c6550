import type { TelegramEmulator } from "../../test/emulators/telegram/index.ts";
import type { World } from "../../test/harness/world.ts";

/**
 * The latencies injected into the emulators, chosen to look like the real services from a
 * server in the same region. They are printed at the top of every report so figures are read
 * against them.
 */
export const LATENCIES = {
  transcriptionBaseMs: 300,
  transcriptionPerAudioSecondMs: 100,
  visionPerRequestMs: 400,
  geminiMs: 1500,
  notionPerCallMs: 250,
  notionRequestsPerSecond: 3,
  notionBurst: 3,
  telegramMs: 50,
} as const;

/** The media room sends 32 kbit/s mp3 to OpenAI: 4000 bytes per second of audio. */
const AUDIO_BYTES_PER_SECOND = 4000;
/** Multipart envelope and form fields around the file, roughly. */
const MULTIPART_OVERHEAD_BYTES = 600;

/** Seconds of audio in a transcription upload of `bytes` (the whole multipart body). */
export function audioSecondsOf(bytes: number): number {
  return Math.max(0, bytes - MULTIPART_OVERHEAD_BYTES) / AUDIO_BYTES_PER_SECOND;
}

/** Transcription time for an upload: a fixed part plus a part per audio second. */
export function transcriptionLatencyMs(bytes: number): number {
  return LATENCIES.transcriptionBaseMs + LATENCIES.transcriptionPerAudioSecondMs * audioSecondsOf(bytes);
}

/**
 * Turns the latencies (and Notion's per-token rate limit) on in every emulator. Transcription's
 * depends on the upload, which the openai SDK streams without a Content-Length, so it is added
 * by a proxy in front of the emulator instead (transcription-delay.ts).
 */
export function applyLatencies(world: World, tg: TelegramEmulator): void {
  world.vision.behaviour.latencyMs = LATENCIES.visionPerRequestMs;
  world.gemini.behaviour.latencyMs = LATENCIES.geminiMs;
  world.notion.behaviour.latencyMs = LATENCIES.notionPerCallMs;
  world.notion.rateLimit = { requestsPerSecond: LATENCIES.notionRequestsPerSecond, burst: LATENCIES.notionBurst };
  tg.behaviour.latencyMs = LATENCIES.telegramMs;
}

/** The latencies as lines for the top of the report. */
export function describeLatencies(): string[] {
  const l = LATENCIES;
  return [
    `transcription (OpenAI): ${l.transcriptionBaseMs / 1000} s + ${l.transcriptionPerAudioSecondMs / 1000} s per audio second (audio length from the upload's size at the media room's 32 kbit/s; added by a proxy that reads the whole upload first)`,
    `Vision: ${l.visionPerRequestMs} ms per request; the emulator answers fixed lines instead of running tesseract (visionText), so its OCR costs no CPU`,
    `Gemini: ${l.geminiMs / 1000} s per call`,
    `Notion: ${l.notionPerCallMs} ms per call; emulator rate limit ${l.notionRequestsPerSecond} requests/s per token, burst ${l.notionBurst} (429 + Retry-After beyond)`,
    `Telegram Bot API: ${l.telegramMs} ms per call (long polls included)`,
    "video host (yt-dlp download): local, no added latency",
    "emulators run in the benchmark's own process, without their contract checks (the test suite's job; they would take the cores the service is measured on)",
  ];
}

/**
 * The AI room: speech to text (OpenAI), on-screen text (Google Vision, or tesseract.js on this
 * machine), and schema-shaped summaries (Gemini). Each factory reads its part of the config.
 */
import type { Config } from "../config.ts";
import type { Logger } from "../log.ts";
import { checkGeminiModel } from "./gemini-model.ts";
import { createGeminiPicker, type DatabasePicker } from "./database-picker.ts";
import { createGeminiSummarizer } from "./summarizer.ts";
import { createTesseractReader } from "./tesseract-reader.ts";
import { createOpenAiTranscriber } from "./transcriber.ts";
import type { OnScreenTextReader, Summarizer, Transcriber } from "./types.ts";
import { createVisionReader } from "./vision-reader.ts";
import { restAnnotateBatch } from "./vision-rest.ts";
import { sdkAnnotateBatch } from "./vision-sdk.ts";

export type {
  AiUsage,
  AudioChunkInput,
  CallOptions,
  ChunkTranscript,
  OnScreenText,
  OnScreenTextReader,
  Summarizer,
  Transcriber,
  Transcript,
  TranscriptSegment,
} from "./types.ts";
export { AiQuotaExhaustedError, AiRequestError } from "./failure.ts";
export { checkAgainstSchema } from "./schema-check.ts";
export { defaultRetryPolicy, type RetryPolicy } from "./retry.ts";
export { mergeOnScreenLines } from "./on-screen-lines.ts";
export { createOpenAiTranscriber, MAX_TRANSCRIPTION_BYTES } from "./transcriber.ts";
export { createGeminiSummarizer } from "./summarizer.ts";
export { createGeminiPicker, type DatabaseCandidate, type DatabasePick, type DatabasePicker, type VideoMaterial } from "./database-picker.ts";
export { createTesseractReader } from "./tesseract-reader.ts";
export { createVisionReader } from "./vision-reader.ts";

/** The transcriber for this config, or undefined when no OpenAI key is set (no speech in the page). */
export function createTranscriber(config: Config, log: Logger): Transcriber | undefined {
  const { apiKey, baseUrl, transcribeModel } = config.openai;
  if (!apiKey) return undefined;
  return createOpenAiTranscriber({ apiKey, baseUrl, model: transcribeModel, timeoutMs: config.aiTimeoutMs }, log.child({ ai: "openai" }));
}

/**
 * The OCR for this config: Google Vision with an API key (REST, any base URL) or with
 * service-account credentials (official client); without either, tesseract.js on this machine.
 */
export function createOnScreenTextReader(config: Config, log: Logger): OnScreenTextReader {
  const { apiKey, credentialsFile, endpoint, localWorkers } = config.vision;
  const timeoutMs = config.aiTimeoutMs;
  if (apiKey) return createVisionReader(restAnnotateBatch({ endpoint, apiKey, timeoutMs }), log.child({ ai: "vision" }));
  if (credentialsFile) {
    return createVisionReader(sdkAnnotateBatch({ credentialsFile, endpoint, timeoutMs }), log.child({ ai: "vision" }));
  }
  return createTesseractReader(localWorkers, log.child({ ai: "tesseract" }));
}

/** The summariser for this config, or undefined when no Gemini key is set. */
export function createSummarizer(config: Config, log: Logger): Summarizer | undefined {
  const { apiKey, baseUrl, model } = config.gemini;
  if (!apiKey) return undefined;
  return createGeminiSummarizer({ apiKey, baseUrl, model, timeoutMs: config.aiTimeoutMs }, log.child({ ai: "gemini" }));
}

/** Start-up check of GEMINI_MODEL (and the key) with Gemini; throws ConfigError naming the variable. Nothing to check without a key. */
export async function checkSummarizerModel(config: Config, log: Logger): Promise<void> {
  const { apiKey, baseUrl, model } = config.gemini;
  if (!apiKey) return;
  await checkGeminiModel({ apiKey, baseUrl, model, timeoutMs: Math.min(config.aiTimeoutMs, 10_000) }, log.child({ ai: "gemini" }));
}

/** The database picker for this config (Gemini's small structured call), or undefined without a Gemini key. */
export function createDatabasePicker(config: Config, log: Logger): DatabasePicker | undefined {
  const { apiKey, baseUrl, model } = config.gemini;
  if (!apiKey) return undefined;
  return createGeminiPicker({ apiKey, baseUrl, model, timeoutMs: config.aiTimeoutMs }, log.child({ ai: "gemini-pick" }));
}

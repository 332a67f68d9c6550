import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import busboy from "busboy";
import type { Request, Response } from "express";
import { openAiContract } from "../contracts/openai.ts";
import { startEmulator, type EmulatorHandle, type FaultResponder } from "./kit.ts";
import { countSoundBursts, probeDuration } from "./openai/probe.ts";
import { spreadSegments } from "./openai/transcript-shape.ts";

/**
 * OpenAI audio transcription emulator: `POST /v1/audio/transcriptions` as the openai SDK sends it
 * (multipart), checked like the real API (bearer key, model, response format per model, file
 * type, 25 MB limit) and answered in its shapes, with timings spread over the real duration.
 */

/** The fixed script answered when a test configures no transcript. */
export const DEFAULT_SCRIPT =
  "Today I am making a quick tomato pasta. Boil the water and cook the pasta for ten minutes. Stir in the sauce and serve it warm.";

/** What the emulator knows about one upload, for tests that configure the answer per file. */
export interface UploadSeen {
  filename: string;
  bytes: number;
  durationSeconds: number;
  model: string;
  fields: Record<string, string | string[]>;
}

/** Settings of the OpenAI emulator. */
export interface OpenAiEmulatorOptions {
  /** The key clients must send as `Authorization: Bearer`; default "sk-test-emulator". */
  apiKey?: string;
  /** The transcript to answer: fixed text, or one per upload. Default: DEFAULT_SCRIPT. */
  transcript?: string | ((upload: UploadSeen, index: number) => string);
  /** Reported by verbose_json (whisper reports names like "english"). Default "english". */
  language?: string;
  /**
   * Answer one word ("word") per stretch of sound between pauses in the upload instead of the
   * transcript: generated speech cut into chunks then shows whether a cut lost or doubled a word.
   */
  wordPerSoundBurst?: boolean;
  /** The account has no credit left: every transcription answers 429 `insufficient_quota`, as the real API does. */
  quotaExhausted?: boolean;
}

/** A running OpenAI emulator: the kit's handle plus every upload it accepted. */
export interface OpenAiEmulator extends EmulatorHandle {
  apiKey: string;
  uploads: UploadSeen[];
  /** Changes the transcript answered from now on. */
  setTranscript(transcript: OpenAiEmulatorOptions["transcript"]): void;
  /** Spends (true) or tops up (false) the account from now on. */
  setQuotaExhausted(exhausted: boolean): void;
  /** Switch: the language verbose_json reports from now on (whisper names it: "spanish"). */
  setLanguage(language: string): void;
}

/** The upload limit the real API enforces. */
export const MAX_BYTES = 25 * 1024 * 1024;
const SUPPORTED = ["flac", "m4a", "mp3", "mp4", "mpeg", "mpga", "oga", "ogg", "wav", "webm"];
/** The transcription models the emulator serves. */
export const MODELS = new Set(["whisper-1", "gpt-transcribe", "gpt-4o-transcribe", "gpt-4o-mini-transcribe", "gpt-4o-mini-transcribe-2025-12-15", "gpt-4o-transcribe-diarize"]);
/** The response formats each model takes. */
export const FORMATS_BY_MODEL = (model: string): string[] =>
  model === "whisper-1" ? ["json", "text", "srt", "verbose_json", "vtt"] : model.endsWith("diarize") ? ["json", "text", "diarized_json"] : ["json"];

function openAiError(res: Response, status: number, message: string, type: string, param: string | null = null, code: string | null = null): void {
  res.status(status).json({ error: { message, type, param, code } });
}

const respondToFault: FaultResponder = (fault, _req, res) => {
  if (fault.kind === "429") {
    res.set("retry-after", String(fault.retryAfterSeconds));
    openAiError(res, 429, "Rate limit reached for whisper-1 in organization org-emulator on requests per min (RPM): Limit 50, Used 50, Requested 1.", "requests", null, "rate_limit_exceeded");
  } else if (fault.kind === "500") {
    openAiError(res, 500, "The server had an error while processing your request. Sorry about that!", "server_error");
  } else if (fault.kind === "503") {
    openAiError(res, 503, "The server is overloaded or not ready yet.", "server_error");
  }
};

function checkKey(req: Request, res: Response, apiKey: string): boolean {
  const header = req.get("authorization") ?? "";
  if (!header.startsWith("Bearer ") || header.length <= 7) {
    openAiError(res, 401, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).", "invalid_request_error");
    return false;
  }
  const given = header.slice(7);
  if (given !== apiKey) {
    const shown = `${given.slice(0, 3)}${"*".repeat(Math.max(0, given.length - 7))}${given.slice(-4)}`;
    openAiError(res, 401, `Incorrect API key provided: ${shown}. You can find your API key at https://platform.openai.com/account/api-keys.`, "invalid_request_error", null, "invalid_api_key");
    return false;
  }
  return true;
}

interface ParsedForm {
  fields: Record<string, string | string[]>;
  file?: { filename: string; path: string; bytes: number; tooLarge: boolean };
}

async function readForm(req: Request, dir: string): Promise<ParsedForm> {
  const form: ParsedForm = { fields: {} };
  const parser = busboy({ headers: req.headers, limits: { fileSize: MAX_BYTES } });
  const writes: Promise<void>[] = [];
  parser.on("field", (name, value) => {
    const key = name.replace(/\[\]$/, "");
    const existing = form.fields[key];
    if (name.endsWith("[]")) form.fields[key] = [...(Array.isArray(existing) ? existing : []), value];
    else form.fields[key] = value;
  });
  parser.on("file", (name, stream, info) => {
    if (name !== "file" || form.file) return void stream.resume();
    const file = { filename: info.filename ?? "", path: path.join(dir, "upload"), bytes: 0, tooLarge: false };
    form.file = file;
    stream.on("data", (chunk: Buffer) => (file.bytes += chunk.length));
    stream.on("limit", () => (file.tooLarge = true));
    const written = pipeline(stream, createWriteStream(file.path));
    // A caller that dies mid-upload fails this too, possibly before it is awaited below.
    written.catch(() => undefined);
    writes.push(written);
  });
  await pipeline(req, parser);
  await Promise.all(writes);
  return form;
}

/** Starts the OpenAI emulator on a random local port. Point the SDK's `baseURL` at `${url}/v1`. */
export async function startOpenAiEmulator(options: OpenAiEmulatorOptions = {}): Promise<OpenAiEmulator> {
  const apiKey = options.apiKey ?? "sk-test-emulator";
  let transcript = options.transcript ?? DEFAULT_SCRIPT;
  let language = options.language ?? "english";
  const uploads: UploadSeen[] = [];
  let quotaExhausted = options.quotaExhausted ?? false;

  const handle = await startEmulator(
    (app) => {
      app.post("/v1/audio/transcriptions", async (req, res) => {
        if (!checkKey(req, res, apiKey)) return;
        if (quotaExhausted) {
          // The real answer carries no Retry-After: waiting does not bring credit back.
          return openAiError(res, 429, "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.", "insufficient_quota", null, "insufficient_quota");
        }
        if (!req.is("multipart/form-data")) {
          return openAiError(res, 400, "Invalid Content-Type header (application/json), expected multipart/form-data.", "invalid_request_error");
        }
        const dir = await mkdtemp(path.join(tmpdir(), "openai-emulator-"));
        try {
          const form = await readForm(req, dir);
          req.body = { ...form.fields, file: form.file && { filename: form.file.filename, bytes: form.file.bytes } };
          await answer(form, res);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      });
    },
    { respondToFault, contract: openAiContract() },
  );

  async function answer(form: ParsedForm, res: Response): Promise<void> {
    const model = typeof form.fields.model === "string" ? form.fields.model : "";
    const format = typeof form.fields.response_format === "string" ? form.fields.response_format : "json";
    if (!form.file) return openAiError(res, 400, "you must provide a file", "invalid_request_error", "file");
    if (form.file.tooLarge) {
      return openAiError(res, 413, `Maximum content size limit (${MAX_BYTES}) exceeded (${form.file.bytes} bytes read)`, "server_error");
    }
    if (!model) return openAiError(res, 400, "you must provide a model parameter", "invalid_request_error");
    if (!MODELS.has(model)) {
      return openAiError(res, 404, `The model \`${model}\` does not exist or you do not have access to it.`, "invalid_request_error", null, "model_not_found");
    }
    if (!FORMATS_BY_MODEL(model).includes(format)) {
      return openAiError(res, 400, `response_format '${format}' is not compatible with model '${model}'. Use 'json' or 'text' instead.`, "invalid_request_error", "response_format", "unsupported_value");
    }
    const extension = path.extname(form.file.filename).slice(1).toLowerCase();
    if (!SUPPORTED.includes(extension)) {
      return openAiError(res, 400, `Invalid file format. Supported formats: ${JSON.stringify(SUPPORTED).replaceAll('"', "'")}`, "invalid_request_error", "file", "invalid_value");
    }
    const duration = await probeDuration(form.file.path);
    if (duration === undefined) {
      return openAiError(res, 400, "Audio file might be corrupted or unsupported", "invalid_request_error", "file", "invalid_value");
    }
    const upload: UploadSeen = { filename: form.file.filename, bytes: form.file.bytes, durationSeconds: duration, model, fields: form.fields };
    uploads.push(upload);
    const text = options.wordPerSoundBurst
      ? Array.from({ length: await countSoundBursts(form.file.path, duration) }, () => "word").join(" ")
      : typeof transcript === "function" ? transcript(upload, uploads.length - 1) : transcript;
    const seconds = Math.ceil(duration);
    if (format === "text") return void res.type("text/plain").send(`${text}\n`);
    if (format === "verbose_json") {
      const segments = spreadSegments(text, duration).map((s, id) => ({
        id, seek: 0, ...s, tokens: [], temperature: 0, avg_logprob: -0.2, compression_ratio: 1.3, no_speech_prob: 0.01,
      }));
      return void res.json({ task: "transcribe", language, duration, text, segments, usage: { type: "duration", seconds } });
    }
    const usage =
      model === "whisper-1"
        ? { type: "duration", seconds }
        : { type: "tokens", input_tokens: seconds * 10, input_token_details: { text_tokens: 0, audio_tokens: seconds * 10 }, output_tokens: Math.ceil(text.length / 4), total_tokens: seconds * 10 + Math.ceil(text.length / 4) };
    res.json({ text, usage });
  }

  return Object.assign(handle, {
    apiKey,
    uploads,
    setTranscript(next: OpenAiEmulatorOptions["transcript"]) {
      transcript = next ?? DEFAULT_SCRIPT;
    },
    setQuotaExhausted(exhausted: boolean) {
      quotaExhausted = exhausted;
    },
    setLanguage(next: string) {
      language = next;
    },
  });
}

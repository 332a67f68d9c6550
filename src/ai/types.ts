import type { UsageEntry } from "../db/usage.ts";
import type { Summary, SummaryInput, SummarySchema } from "../summary.ts";

/** One piece of a video's audio track, cut by the media room; `startSeconds` places it in the video. */
export interface AudioChunkInput {
  path: string;
  startSeconds: number;
  durationSeconds: number;
}

/** A stretch of speech with its place in the whole video, in seconds. */
export interface TranscriptSegment {
  start: number;
  end: number;
  text: string;
}

/** What was said in a video: chunks stitched in order, timings relative to the video's start. */
export interface Transcript {
  text: string;
  /** Detected language when the model reports one (whisper-1 does, gpt-4o transcribers do not). */
  language?: string;
  segments: TranscriptSegment[];
  audioSeconds: number;
}

/** Text drawn on screen across a video's frames, each distinct line once, in order of first appearance. */
export interface OnScreenText {
  lines: string[];
  text: string;
  images: number;
  requests: number;
  engine: "vision" | "tesseract";
}

/** What one call used, in the units its service bills by; recorded per job (src/db/usage.ts). */
export type AiUsage = UsageEntry;

/** Per-call options: the job to attribute usage to, where to report it, and a signal to give up early. */
export interface CallOptions {
  jobId?: string;
  /** Told what each paid call used, as soon as it answers (a later failure does not unpay it). */
  onUsage?(usage: AiUsage): void;
  signal?: AbortSignal;
}

/** One chunk's words, kept by the pipeline as soon as they arrive so a resumed job pays for no chunk twice. */
export interface ChunkTranscript {
  startSeconds: number;
  durationSeconds: number;
  text: string;
  language?: string;
  segments: TranscriptSegment[];
}

/** How one transcription goes: which chunks are already paid for, and who keeps each new one. */
export interface TranscribeOptions extends CallOptions {
  /** Chunks an earlier attempt transcribed (matched by start and length): used as they are, not sent again. */
  done?: ChunkTranscript[];
  /** Called with each chunk's words as they arrive; the whole fails only once every chunk has answered or failed. */
  onChunk?(part: ChunkTranscript): Promise<void>;
}

/** Turns audio chunks into one transcript. */
export interface Transcriber {
  transcribe(chunks: AudioChunkInput[], options?: TranscribeOptions): Promise<Transcript>;
}

/** Reads the text shown on a video's frames. `close` frees local workers, if any. */
export interface OnScreenTextReader {
  read(framePaths: string[], options?: CallOptions): Promise<OnScreenText>;
  close(): Promise<void>;
}

/** Fills a Notion-derived schema from what is known about a video. */
export interface Summarizer {
  summarize(input: SummaryInput, schema: SummarySchema, options?: CallOptions): Promise<Summary>;
}

import type { Job } from "../db/jobs.ts";
import type { ChunkTranscript } from "../ai/index.ts";
import type { VideoMetadata } from "../media/index.ts";
import type { UploadedPictures } from "../notion/pictures.ts";
import type { TextRef } from "../i18n/index.ts";
import type { Summary } from "../summary.ts";

export type { Job, ProgressMessageRef } from "../db/jobs.ts";

/** What the DOWNLOAD stage keeps: the post's metadata, never media. */
export type DownloadCheckpoint = VideoMetadata;

/** What TRANSCRIBE keeps. */
export interface TranscriptCheckpoint {
  text: string;
  language?: string;
  audioSeconds: number;
  segments: { start: number; end: number; text: string }[];
  /** Why there is no transcript although the video has sound: the page says so. */
  missing?: "quota_exhausted";
}

/** What OCR keeps. */
export interface OnScreenCheckpoint {
  text: string;
  lines: string[];
  images: number;
  requests: number;
}

/** A video a person sent to the bot as a file, as its chat platform lets the worker fetch it. */
export interface SentFile {
  platform: "TELEGRAM" | "DISCORD";
  /** What the platform fetches it by: Telegram's file_id, Discord's attachment URL. */
  ref: string;
  /** The file's name, when the person's app gave one. */
  name?: string;
  sizeBytes?: number;
}

/** The port each bot implements so the pipeline can fetch a file sent to it. */
export interface SentFileSource {
  /** Writes the file to `destination`; refuses (user-facing) a file the platform won't hand out. */
  fetch(file: SentFile, destination: string): Promise<void>;
}

/**
 * Each finished stage's output, saved on the job before the next stage starts, so a retried
 * or recovered job resumes at the first unfinished stage and never pays twice.
 */
export interface Checkpoints {
  /** A job made from a video sent as a file: where to fetch it (written with the job, not by a stage). */
  sentFile?: SentFile;
  download?: DownloadCheckpoint;
  extract?: { frames: number; audioChunks: number };
  /** A clip of several audio chunks: each chunk's words as they arrive, so a retry pays only for the rest. */
  speechChunks?: ChunkTranscript[];
  transcribe?: TranscriptCheckpoint;
  ocr?: OnScreenCheckpoint;
  /** The cover and key frames (or the post's pictures), uploaded to Notion and waiting to be attached. */
  pictures?: UploadedPictures;
  summarize?: Summary;
  publish?: { pageId: string; url: string };
  notified?: boolean;
  /** Written with the job: the person has several databases and chose none, so one is picked for the video. */
  pickDatabase?: boolean;
  /** The database picked for the video, the model's reason, and the person's other databases (the move buttons, in order). */
  picked?: { schemaId: string; reason: string; others: string[] };
  /** The page of this video in the database it was moved from, trashed once the new page exists. */
  replaces?: string;
  /** Measured service time of each stage in ms (the last attempt's), for metrics and the benchmark. */
  timings?: Partial<Record<TimedStep, number>>;
}

/** The stages as the chat names them. */
export type StageName = "download" | "extract" | "transcribe" | "ocr" | "summarize" | "publish" | "notify";

/** What the pipeline times: the stages, and the picture uploads that run beside them. */
export type TimedStep = StageName | "pictures";

/** A change worth showing to the person who sent the link. */
export type ProgressEvent =
  | { type: "stage"; job: Job; stage: StageName }
  | {
      type: "done";
      job: Job;
      page: { pageId: string; url: string };
      summary: Summary;
      databaseTitle: string;
      /** Set when the database was picked for the person: the others they can move the page to (button index, title). */
      moves?: { index: number; title: string }[];
    }
  /** A failed job keeps its checkpoints, so the person can always ask for it again ("Try again"). */
  | { type: "failed"; job: Job; kind: string; text: TextRef };

/**
 * The port the chat core implements so the pipeline can report progress. `done` is the
 * NOTIFY stage and `failed` comes before a failure is recorded: each must resolve only once the
 * person has been told, and reject on a passing failure (it is told again later).
 */
export interface ProgressSink {
  stage(event: Extract<ProgressEvent, { type: "stage" }>): Promise<void>;
  done(event: Extract<ProgressEvent, { type: "done" }>): Promise<void>;
  failed(event: Extract<ProgressEvent, { type: "failed" }>): Promise<void>;
  /**
   * Once the job's end is recorded: shows its outcome on the messages that began to follow it
   * while it was being told (a "Queued" that went out late). Such a message, added after the
   * end was recorded, is its sender's to update (see JobRepository.addProgressMessage).
   */
  ended?(jobId: string): Promise<void>;
}

/** Reads a job's checkpoints JSON as the typed value it was written as. */
export function checkpointsOf(job: Pick<Job, "checkpoints">): Checkpoints {
  return (job.checkpoints ?? {}) as Checkpoints;
}

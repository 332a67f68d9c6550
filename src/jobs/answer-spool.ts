import { randomUUID } from "node:crypto";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { readdir, readFile, rm, stat } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import type { Logger } from "../log.ts";

/**
 * Paid AI answers kept in a file the moment they arrive, until the job ends. The checkpoint in
 * the database takes milliseconds to write (a minute while Postgres restarts); a worker killed in
 * between would otherwise leave its successor to ask, and pay, again. Every process of one
 * install shares the folder, and a killed process's writes survive in the page cache.
 */

const segment = z.object({ start: z.number(), end: z.number(), text: z.string() });

/** What each kind of answer looks like, checked on the way back in: a torn or foreign file is not trusted. */
const answers = {
  /** One audio chunk's words (keyed by the chunk's index in the clip). */
  chunk: z.object({ startSeconds: z.number(), durationSeconds: z.number(), text: z.string(), language: z.string().optional(), segments: z.array(segment) }),
  /** The on-screen text of all frames. */
  ocr: z.object({ text: z.string(), lines: z.array(z.string()), images: z.number(), requests: z.number() }),
  /** The database the model picked for a video, when the person has several and named none. */
  pick: z.object({ tag: z.string(), reason: z.string() }),
  /** The model's summary (keyed by the database it was shaped for). */
  summary: z.object({
    title: z.string(),
    summary: z.string(),
    keyPoints: z.array(z.string()),
    properties: z.record(z.string(), z.unknown()),
    missing: z.enum(["blocked", "recitation", "unusable", "not_configured", "unavailable"]).optional(),
  }),
};

/** The kinds of answer the spool keeps. */
export type AnswerKind = keyof typeof answers;
/** The answer of a kind, as kept and as found. */
export type Answer<K extends AnswerKind> = z.infer<(typeof answers)[K]>;

/** Spooled answers of every job under one folder. */
export interface AnswerSpool {
  /**
   * Keeps an answer before anything else happens to it: synchronous, so a kill right after still
   * finds it. Never throws (a full disk costs a possible second payment, not the job).
   */
  keep<K extends AnswerKind>(jobId: string, kind: K, key: string, answer: Answer<K>): void;
  /** The answer kept for this job, kind and key, or undefined when there is none or it does not read as one. */
  find<K extends AnswerKind>(jobId: string, kind: K, key: string): Promise<Answer<K> | undefined>;
  /** Drops a job's answers once the job has ended (its checkpoints or its failure are recorded). */
  forget(jobId: string): Promise<void>;
  /** Removes the answers of jobs untouched for `maxAgeMs` (a job that ended while its forget failed); returns how many jobs. */
  sweep(maxAgeMs?: number): Promise<number>;
}

/** Spooled answers older than this are debris: a job does not wait a day between its stages. */
export const SPOOL_MAX_AGE_MS = 24 * 3600_000;

const spooled = z.object({ jobId: z.string(), kind: z.string(), key: z.string(), answer: z.unknown() });

/** Only letters, digits, `-` and `_` reach a file name: a job id or key never climbs out of the folder. */
const safe = (part: string) => part.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 80) || "_";

/** The answer spool in `root` (DATA_DIR/answers in the service). */
export function createAnswerSpool(root: string, log: Logger): AnswerSpool {
  const folderOf = (jobId: string) => path.join(root, safe(jobId));
  const fileOf = (jobId: string, kind: AnswerKind, key: string) => path.join(folderOf(jobId), `${key === "" ? kind : `${kind}-${safe(key)}`}.json`);

  return {
    keep(jobId, kind, key, answer) {
      const file = fileOf(jobId, kind, key);
      try {
        mkdirSync(path.dirname(file), { recursive: true });
        // Written whole under another name and renamed: a reader sees all of it or nothing.
        const temporary = `${file}.${randomUUID()}.tmp`;
        writeFileSync(temporary, JSON.stringify({ jobId, kind, key, answer }));
        renameSync(temporary, file);
      } catch (error) {
        log.warn({ err: error, jobId, kind, key }, "could not spool a paid answer; a kill before its checkpoint would pay for it again");
      }
    },
    async find(jobId, kind, key) {
      const text = await readFile(fileOf(jobId, kind, key), "utf8").catch(() => undefined);
      if (text === undefined) return undefined;
      const file = spooled.safeParse(parseJson(text));
      const found = file.success && file.data.jobId === jobId && file.data.kind === kind && file.data.key === key ? answers[kind].safeParse(file.data.answer) : undefined;
      if (found?.success) return found.data as Answer<typeof kind>;
      log.warn({ jobId, kind, key }, "ignored a spooled answer that does not read as one");
      return undefined;
    },
    forget: (jobId) => rm(folderOf(jobId), { recursive: true, force: true }),
    async sweep(maxAgeMs = SPOOL_MAX_AGE_MS) {
      const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
      const now = Date.now();
      let removed = 0;
      for (const entry of entries) {
        if (!entry.isDirectory()) continue;
        const folder = path.join(root, entry.name);
        const touched = await stat(folder).catch(() => undefined);
        if (!touched || now - touched.mtimeMs <= maxAgeMs) continue;
        await rm(folder, { recursive: true, force: true });
        removed += 1;
      }
      return removed;
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

import path from "node:path";
import {
  AiQuotaExhaustedError,
  type AiUsage,
  type CallOptions,
  type ChunkTranscript,
  type DatabasePicker,
  type OnScreenTextReader,
  type Summarizer,
  type Transcriber,
  type VideoMaterial,
} from "../ai/index.ts";
import type { JobRepository, JobStage } from "../db/jobs.ts";
import type { NotionSchema, SchemaRepository } from "../db/schemas.ts";
import { isStoreUnavailable, isTransient, UserFacingError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { Metrics } from "../metrics.ts";
import { firstFrameOfEachItem, spread, type AudioChunk, type DownloadedMedia, type Frame, type MediaTools } from "../media/index.ts";
import type { NotionApi } from "../notion/client.ts";
import { reshareMessage } from "../notion/errors.ts";
import { attachablePictures, uploadPictures } from "../notion/pictures.ts";
import { publishPage } from "../notion/publish.ts";
import { buildSummarySchema, parseNotionProperties } from "../notion/schema-mapping.ts";
import type { SummaryMissing } from "../summary.ts";
import type { Answer, AnswerKind, AnswerSpool } from "./answer-spool.ts";
import type { StageQueues } from "./queues.ts";
import { summaryWithoutModel } from "./summary-without-model.ts";
import { checkpointsOf, type Checkpoints, type Job, type ProgressSink, type SentFileSource, type OnScreenCheckpoint, type StageName, type TimedStep, type TranscriptCheckpoint } from "./types.ts";

/** Everything the stages call; each piece belongs to its own room. */
export interface PipelineDeps {
  jobs: JobRepository;
  schemas: SchemaRepository;
  log: Logger;
  media: MediaTools;
  transcriber: Transcriber | undefined;
  ocr: OnScreenTextReader;
  summarizer: Summarizer | undefined;
  notion: NotionApi;
  /** The person's decrypted Notion token, or undefined when not connected or revoked. */
  loadNotionToken(userId: string): Promise<string | undefined>;
  /** Re-reads the person's data sources from Notion and stores them (when a publish shows they changed). */
  refreshSchemas(userId: string): Promise<void>;
  sink: ProgressSink;
  /** Where videos sent as files are fetched from, by chat platform (filled in as the bots start). */
  sentFiles: Partial<Record<"TELEGRAM" | "DISCORD", SentFileSource>>;
  queues: StageQueues;
  /** Today's date (YYYY-MM-DD) for "date saved" properties. */
  today(): string;
  metrics: Pick<Metrics, "observeStage" | "jobFinished" | "aiQuotaExhausted">;
  /** Attempts a job gets (JOB_MAX_ATTEMPTS): on the last, a Gemini still unreachable gives a page without a summary. */
  maxAttempts?: number;
  /** The language (English name) the job's person chose for summaries with /language; undefined: the video's own. */
  summaryLanguageOf?(jobId: string): Promise<string | undefined>;
  /** Chooses a database for a job of a person with several and none chosen (undefined without Gemini). */
  databasePicker?: DatabasePicker;
  /** Stores what one paid AI call of the job used (src/db/usage.ts). */
  recordUsage?(job: Job, usage: AiUsage): Promise<void>;
  /** Where each paid answer is kept from its arrival until the job ends, for a successor should this worker die. */
  answers: AnswerSpool;
  /** How often and how far apart a result is written again while the database does not answer (default: STORE_RETRY). */
  storeRetry?: { attempts: number; delayMs: number };
}

/**
 * A minute of a database restarting: long enough for Postgres to come back, short of a stuck job.
 * Tried often, so the answer spends as little time as possible only in this process's memory
 * (a kill then loses it: the soak saw a worker killed two seconds into a Postgres restart).
 */
const STORE_RETRY = { attempts: 300, delayMs: 200 };

/** One job being worked on by one worker that holds its lease. */
interface Run {
  deps: PipelineDeps;
  /** Carries jobId and userId on every line. */
  log: Logger;
  job: Job;
  owner: string;
  checkpoints: Checkpoints;
  timings: NonNullable<Checkpoints["timings"]>;
  /** Progress edits in flight, in order; the final word waits for them, the stages do not. */
  shown: Promise<void>;
  /**
   * The picture uploads, started once the frames exist and left running beside transcription,
   * OCR and the summary (only the page needs them); publishing waits for them. Never rejects.
   */
  pictures?: Promise<PicturesOutcome>;
  /** Usage records being written; the run waits for them before it ends. */
  recording: Promise<void>[];
  /** Saves of transcribed chunks, one after another so each writes every chunk before it. */
  chunksKept: Promise<void>;
  /** The job came with its summary saved: an earlier attempt may have begun publishing. */
  summarisedBefore: boolean;
}

/** How the picture uploads ended: saved, or an error for publishing to raise or pass over. */
type PicturesOutcome = { ok: true } | { ok: false; error: unknown };

/** Key frames a video's page shows (the first is its cover); a photo post shows all its pictures. */
const KEY_FRAMES = 4;


async function timed<T>(run: Run, stage: TimedStep, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    run.timings[stage] = Math.round(performance.now() - started);
    run.deps.metrics.observeStage(stage, run.timings[stage]);
  }
}

/**
 * Writes a result, waiting for a database that does not answer (a restart) rather than failing:
 * the result stays in memory meanwhile, so a paid answer is never asked for again just because
 * it could not be written. Nobody can take the job over while the database is down.
 */
async function stored(run: Run, write: () => Promise<void>): Promise<void> {
  const { attempts, delayMs } = run.deps.storeRetry ?? STORE_RETRY;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await write();
    } catch (error) {
      if (!isStoreUnavailable(error) || attempt >= attempts) throw error;
      if (attempt === 1) run.log.warn({ err: error }, "the database did not answer; keeping the result until it does");
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

async function save(run: Run, stage: JobStage, patch: Partial<Checkpoints>): Promise<void> {
  Object.assign(run.checkpoints, patch);
  await stored(run, () => run.deps.jobs.saveCheckpoint(run.job, run.owner, stage, { ...patch, timings: { ...run.timings } }));
}

/** The AI call options of this job: usage is attributed to it and recorded as each call answers. */
function callOptions(run: Run): CallOptions {
  const { recordUsage } = run.deps;
  return {
    jobId: run.job.id,
    onUsage: (usage) => {
      if (!recordUsage) return;
      run.recording.push(
        // A lost usage row understates a bill; it must not fail a job whose call is already paid.
        recordUsage(run.job, usage).catch((error: unknown) => run.log.warn({ err: error, usage }, "could not record AI usage")),
      );
    },
  };
}

/** Shows a stage change without making the stage wait for the chat (a 429 there must not slow the job). */
function announce(run: Run, stage: StageName): void {
  run.shown = run.shown.then(() =>
    run.deps.sink.stage({ type: "stage", job: run.job, stage }).catch((error: unknown) => {
      // Progress is a courtesy; a failed edit must not fail the job.
      run.log.warn({ err: error, stage }, "could not show progress");
    }),
  );
}

/**
 * DOWNLOAD, EXTRACT, then TRANSCRIBE and OCR in parallel; the picture uploads start beside them
 * and run on while the summary is written (see `Run.pictures`). Media lives only in this call's
 * work folder, removed once the analysis and the uploads are done: a resumed job downloads again (free) rather
 * than pay again for finished analysis.
 */
async function analyseVideo(run: Run): Promise<void> {
  const needSpeech = !run.checkpoints.transcribe;
  const needText = !run.checkpoints.ocr;
  const needPictures = !run.checkpoints.pictures;
  if (!needSpeech && !needText && !needPictures && run.checkpoints.download) return;
  try {
    await analyseMedia(run, needSpeech, needText, needPictures);
  } catch (error) {
    // Pictures alone are not worth failing a finished analysis for (the post may be gone by now).
    if (needSpeech || needText || !run.checkpoints.download || isTransient(error)) throw error;
    run.log.warn({ err: error }, "could not fetch the post again for its pictures; the page goes without them");
    await save(run, "SUMMARIZE", { pictures: { uploads: [] } });
  }
}

async function analyseMedia(run: Run, needSpeech: boolean, needText: boolean, needPictures: boolean): Promise<void> {
  const { deps } = run;
  const workDir = await deps.media.createWorkDir(run.job.id);
  const removeWorkDir = () =>
    deps.media.removeWorkDir(workDir).catch((error: unknown) => {
      run.log.warn({ err: error }, "could not remove a work folder; the boot sweep will");
    });
  let handedOver = false;
  try {
    announce(run, "download");
    const media = await deps.queues.download.add(() => timed(run, "download", () => fetchMedia(run, workDir)));
    if (!run.checkpoints.download) await save(run, "EXTRACT", { download: media.metadata });
    if (!needSpeech && !needText && !needPictures) return;

    announce(run, "extract");
    const { chunks, frames } = await deps.queues.ffmpeg.add(() =>
      timed(run, "extract", () => deps.media.extract(media, { audio: needSpeech && deps.transcriber !== undefined, frames: needText || needPictures })),
    );
    await save(run, "ANALYZE", { extract: { frames: frames.length, audioChunks: chunks.length } });

    if (needPictures) {
      // The work folder (the frames) stays until the uploads are done.
      run.pictures = timed(run, "pictures", () => keepPictures(run, media, frames)).then(
        (): PicturesOutcome => ({ ok: true }),
        (error: unknown): PicturesOutcome => ({ ok: false, error }),
      );
      handedOver = true;
    }
    if (!needSpeech && !needText) return;
    announce(run, needSpeech && chunks.length > 0 ? "transcribe" : "ocr");
    // Both run to the end before any failure is raised, so a finished (paid) result is always saved.
    const results = await Promise.allSettled([needSpeech ? transcribe(run, chunks) : undefined, needText ? readScreen(run, frames) : undefined]);
    const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failure) throw failure.reason;
    await save(run, "SUMMARIZE", {});
  } finally {
    // The folder goes once both the analysis (the audio) and the uploads (the frames) are done with it:
    // uploads finished first must not pull the audio from under a transcription being retried.
    if (handedOver) run.pictures = run.pictures!.finally(removeWorkDir);
    else await removeWorkDir();
  }
}

/**
 * Waits for the picture uploads started by the analysis. A transient failure is raised (the job
 * is retried and uploads again); any other leaves the page without pictures rather than fail it.
 */
async function awaitPictures(run: Run): Promise<void> {
  const outcome = await run.pictures;
  run.pictures = undefined;
  if (!outcome || outcome.ok) return;
  if (isTransient(outcome.error)) throw outcome.error;
  run.log.warn({ err: outcome.error }, "could not upload the pictures; the page goes without them");
  await save(run, "PUBLISH", { pictures: { uploads: [] } });
}

/** The post from its link, or the video the person sent as a file from their chat platform. */
async function fetchMedia(run: Run, workDir: string): Promise<DownloadedMedia> {
  const { deps } = run;
  const sent = run.checkpoints.sentFile;
  if (!sent) return deps.media.download(run.job.canonicalUrl, workDir);
  const source = deps.sentFiles[sent.platform];
  if (!source) throw new Error(`no ${sent.platform} bot is configured to fetch a sent file from`);
  const file = path.join(workDir, "sent-video");
  await source.fetch(sent, file);
  return deps.media.openSentVideo(file, workDir);
}

/**
 * The speech of the video, or an empty transcript marked missing when the OpenAI account is
 * spent: that does not pass by retrying, and the rest of the page is still worth saving.
 */
async function transcribeSpeech(run: Run, chunks: AudioChunk[]): Promise<TranscriptCheckpoint> {
  const { deps } = run;
  if (chunks.length === 0 || !deps.transcriber) return { text: "", segments: [], audioSeconds: 0 };
  try {
    const done = [...(run.checkpoints.speechChunks ?? []), ...(await spooledChunks(run, chunks))];
    const options = { ...callOptions(run), done, onChunk: (part: ChunkTranscript) => keepChunk(run, chunks, part) };
    const transcript = await deps.queues.transcribe.add(() => timed(run, "transcribe", () => deps.transcriber!.transcribe(chunks, options)));
    return { text: transcript.text, language: transcript.language, audioSeconds: transcript.audioSeconds, segments: transcript.segments };
  } catch (error) {
    if (!(error instanceof AiQuotaExhaustedError)) throw error;
    run.log.error(
      { service: error.service, status: error.status },
      "the OpenAI account has no quota left (insufficient_quota): pages are saved without a transcript until it is topped up",
    );
    deps.metrics.aiQuotaExhausted("openai");
    return { text: "", segments: [], audioSeconds: 0, missing: "quota_exhausted" };
  }
}

/** Chunks a worker that died before their checkpoint was written had spooled: used, not paid for again. */
async function spooledChunks(run: Run, chunks: AudioChunk[]): Promise<ChunkTranscript[]> {
  const saved = run.checkpoints.speechChunks ?? [];
  const found = await Promise.all(chunks.map((_, index) => run.deps.answers.find(run.job.id, "chunk", String(index))));
  const spooled = found.filter((part): part is ChunkTranscript => part !== undefined && !saved.some((s) => s.startSeconds === part.startSeconds));
  if (spooled.length > 0) run.log.info({ chunks: spooled.map((p) => p.startSeconds) }, "took transcribed chunks from the answer spool instead of paying for them again");
  return spooled;
}

/**
 * Spools a paid chunk's words before anything else, then (for a clip of several) saves them at
 * once: a kill or a failed chunk later in the clip does not pay for this one again.
 */
function keepChunk(run: Run, chunks: AudioChunk[], part: ChunkTranscript): Promise<void> {
  const index = chunks.findIndex((c) => c.startSeconds === part.startSeconds);
  run.deps.answers.keep(run.job.id, "chunk", String(index), part);
  // One chunk is the whole transcript: its checkpoint follows at once.
  if (chunks.length === 1) return Promise.resolve();
  const kept = run.chunksKept.catch(() => undefined).then(() => save(run, "ANALYZE", { speechChunks: [...(run.checkpoints.speechChunks ?? []), part] }));
  run.chunksKept = kept;
  return kept;
}

async function transcribe(run: Run, chunks: AudioChunk[]): Promise<void> {
  await save(run, "ANALYZE", { transcribe: await transcribeSpeech(run, chunks) });
  if (!run.checkpoints.ocr) announce(run, "ocr");
}

async function readScreen(run: Run, frames: Frame[]): Promise<void> {
  const text = frames.length === 0 ? { text: "", lines: [], images: 0, requests: 0 } : ((await spooled(run, "ocr", "")) ?? (await readFrames(run, frames)));
  await save(run, "ANALYZE", { ocr: text });
}

async function readFrames(run: Run, frames: Frame[]): Promise<OnScreenCheckpoint> {
  const { deps } = run;
  return deps.queues.ocr.add(() =>
    timed(run, "ocr", async () => {
      const read = await deps.ocr.read(frames.map((f) => f.path), callOptions(run));
      const text = { text: read.text, lines: read.lines, images: read.images, requests: read.requests };
      deps.answers.keep(run.job.id, "ocr", "", text);
      return text;
    }),
  );
}

/** An answer a worker that died before its checkpoint was written had spooled (logged: nothing is paid for it). */
async function spooled<K extends AnswerKind>(run: Run, kind: K, key: string): Promise<Answer<K> | undefined> {
  const answer = await run.deps.answers.find(run.job.id, kind, key);
  if (answer) run.log.info({ kind }, "took an answer from the answer spool instead of paying for it again");
  return answer;
}

/** Uploads the cover and key frames (a photo post: its pictures) to the person's Notion, for the page. */
async function keepPictures(run: Run, media: DownloadedMedia, frames: Frame[]): Promise<void> {
  const token = await run.deps.loadNotionToken(run.job.userId);
  // Without a connection there is nowhere to upload; publishing will say so, and a retry comes back here.
  if (!token) return;
  // A carousel shows every item once, in post order; a photo post all its pictures; a video a few key frames.
  const chosen = media.items ? firstFrameOfEachItem(frames) : media.metadata.isSlideshow ? frames : spread(frames, KEY_FRAMES);
  const pictures = await uploadPictures(run.deps.notion, token, chosen.map((f) => f.path), run.log);
  await save(run, "ANALYZE", { pictures });
}

/** What the analysis found out about the video, as the summary and the database pick read it. */
function videoMaterial(run: Run): VideoMaterial {
  const { download, transcribe, ocr } = run.checkpoints;
  return {
    title: download!.title,
    caption: download!.caption,
    uploader: download!.uploader,
    hashtags: download!.hashtags,
    transcript: transcribe?.text ?? "",
    onScreenText: ocr?.text ?? "",
  };
}

/** Why a summariser failure leaves the page without a model summary, or undefined when the job should fail (or be retried). */
function missingSummaryFor(run: Run, error: unknown): SummaryMissing | undefined {
  const lastAttempt = run.deps.maxAttempts !== undefined && run.job.attempts >= run.deps.maxAttempts;
  if (isTransient(error)) return lastAttempt ? "unavailable" : undefined;
  if (!(error instanceof UserFacingError)) return undefined;
  if (error.kind === "summary_blocked") return error.text.key === "error.summaryRecitation" ? "recitation" : "blocked";
  if (error.kind === "summary_invalid") return "unusable";
  return undefined;
}

/**
 * The model's summary, or (when Gemini refuses the video, gives no usable answer, or has no
 * key) a page without one that says why: the caption, on-screen text and transcript are
 * already paid for and still worth a page.
 */
async function summarise(run: Run, schema: NotionSchema): Promise<void> {
  const { deps, checkpoints } = run;
  if (checkpoints.summarize) return;
  announce(run, "summarize");
  if (!deps.summarizer) {
    await save(run, "PUBLISH", { summarize: summaryWithoutModel(checkpoints, "not_configured") });
    return;
  }
  try {
    await summariseWithModel(run, schema, deps.summarizer);
  } catch (error) {
    const missing = missingSummaryFor(run, error);
    if (!missing) throw error;
    run.log.warn({ err: error, missing }, "no model summary for this video; the page is made without one");
    await save(run, "PUBLISH", { summarize: summaryWithoutModel(checkpoints, missing) });
  }
}

async function summariseWithModel(run: Run, schema: NotionSchema, summarizer: Summarizer): Promise<void> {
  const { deps, checkpoints } = run;
  const earlier = await spooled(run, "summary", schema.id);
  if (earlier) return save(run, "PUBLISH", { summarize: earlier });
  const { schema: responseSchema, propertyGuide } = buildSummarySchema(parseNotionProperties(schema.properties));
  const download = checkpoints.download!;
  const language = await deps.summaryLanguageOf?.(run.job.id);
  const summary = await deps.queues.summarize.add(
    () =>
      timed(run, "summarize", async () => {
        const answer = await summarizer.summarize(
          {
            sourceUrl: download.webpageUrl || (checkpoints.sentFile ? "" : run.job.canonicalUrl),
            ...videoMaterial(run),
            propertyGuide,
            ...(language ? { language } : {}),
            ...(checkpoints.transcribe?.language ? { spokenLanguage: checkpoints.transcribe.language } : {}),
          },
          responseSchema,
          callOptions(run),
        );
        deps.answers.keep(run.job.id, "summary", schema.id, answer);
        return answer;
      }),
  );
  await save(run, "PUBLISH", { summarize: summary });
}

/** Notion said the data source changed or went away: re-read it, and say which schema to use now. */
async function resyncAfter(run: Run, schema: NotionSchema, error: UserFacingError): Promise<NotionSchema | undefined> {
  run.log.info({ kind: error.kind }, "Notion refused the page; re-reading the person's databases");
  await run.deps.refreshSchemas(run.job.userId).catch((failure: unknown) => run.log.warn({ err: failure }, "could not re-read databases"));
  const fresh = await run.deps.schemas.findByDataSource(run.job.userId, schema.dataSourceId);
  const changed = fresh && JSON.stringify(fresh.properties) !== JSON.stringify(schema.properties);
  return error.kind === "notion_validation" && changed ? fresh : undefined;
}

async function publishTo(run: Run, schema: NotionSchema, token: string): Promise<{ pageId: string; url: string }> {
  const { deps, checkpoints } = run;
  return publishPage(
    deps.notion,
    token,
    {
      jobId: run.job.id,
      dataSourceId: schema.dataSourceId,
      properties: parseNotionProperties(schema.properties),
      summary: checkpoints.summarize!,
      // A sent file's key is no web address: no URL property or bookmark gets it.
      sourceUrl: checkpoints.sentFile ? "" : run.job.canonicalUrl,
      sentAsFile: checkpoints.sentFile ? (checkpoints.sentFile.name ?? "video") : undefined,
      transcript: checkpoints.transcribe?.text ?? "",
      transcriptMissing: checkpoints.transcribe?.missing,
      onScreenText: checkpoints.ocr?.text ?? "",
      pictures: attachablePictures(checkpoints.pictures, Date.now()),
      today: deps.today(),
    },
    {
      existingPageId: run.job.notionPageId ?? undefined,
      // Publishing starts only once the summary is saved: a job claimed without one has never published.
      mayExist: run.summarisedBefore,
      onPageCreated: async (pageId, url) => {
        await stored(run, () => deps.jobs.recordPage(run.job, run.owner, pageId, url));
        run.job = { ...run.job, notionPageId: pageId, notionPageUrl: url };
      },
    },
  );
}

async function publish(run: Run, schema: NotionSchema): Promise<void> {
  const { deps, checkpoints } = run;
  if (checkpoints.publish) return;
  const token = await deps.loadNotionToken(run.job.userId);
  if (!token) {
    throw new UserFacingError("notion_revoked", "error.notionGone");
  }
  await awaitPictures(run);
  if (!run.job.notionPageId && checkpoints.pictures?.uploads.length && attachablePictures(checkpoints.pictures, Date.now()).length === 0) {
    // The uploads expired while the job waited (Notion drops unattached ones after an hour): upload again.
    delete checkpoints.pictures;
    await analyseVideo(run);
    await awaitPictures(run);
  }
  announce(run, "publish");
  const page = await timed(run, "publish", async () => {
    try {
      return await publishTo(run, schema, token);
    } catch (error) {
      const schemaChanged = error instanceof UserFacingError && ["notion_validation", "notion_database_deleted", "notion_no_access"].includes(error.kind);
      if (!schemaChanged) throw error;
      // One more try with the database as it is now (a property renamed or removed since the last sync).
      const fresh = await resyncAfter(run, schema, error);
      if (fresh) return publishTo(run, fresh, token);
      if (error.kind === "notion_validation") throw error;
      throw new UserFacingError(error.kind, reshareMessage(schema.title), { cause: error });
    }
  });
  run.job = { ...run.job, notionPageId: page.pageId, notionPageUrl: page.url };
  await trashReplacedPage(run, token);
  await save(run, "NOTIFY", { publish: page });
}

/**
 * The database for a job whose person has several, none chosen and no #tag: one of them picked
 * by a small Gemini call over their titles, descriptions and property names (the only one, or
 * the first without Gemini, without a call). The pick and the others are kept, so the saved message offers a move.
 */
async function pickDatabase(run: Run): Promise<NotionSchema> {
  const { deps } = run;
  const databases = await deps.schemas.listFull(run.job.userId);
  if (databases.length === 0) throw new UserFacingError("notion_database_deleted", "error.databaseUnavailable");
  let chosen = databases[0]!;
  let reason = "";
  // Without Gemini the first database is taken: the saved message still offers the others.
  if (databases.length > 1 && deps.databasePicker) {
    const video = videoMaterial(run);
    const candidates = databases.map((d) => ({ tag: d.tag, title: d.title, description: d.description ?? "", propertyNames: Object.keys(d.properties as object) }));
    const pick =
      (await spooled(run, "pick", "")) ??
      (await deps.queues.summarize.add(async () => {
        const answer = await deps.databasePicker!.pick(video, candidates, callOptions(run));
        deps.answers.keep(run.job.id, "pick", "", answer);
        return answer;
      }));
    chosen = databases.find((d) => d.tag === pick.tag) ?? chosen;
    reason = pick.reason;
  }
  await deps.jobs.chooseSchema(run.job, run.owner, chosen.id);
  run.job = { ...run.job, schemaId: chosen.id };
  run.log.info({ schemaId: chosen.id, reason }, "picked a database for the video");
  await save(run, "SUMMARIZE", { picked: { schemaId: chosen.id, reason, others: databases.filter((d) => d.id !== chosen.id).map((d) => d.id) } });
  return chosen;
}

/** The page a moved job replaces goes to Notion's trash once the new one exists (a failure there only costs a duplicate). */
async function trashReplacedPage(run: Run, token: string): Promise<void> {
  const replaced = run.checkpoints.replaces;
  if (!replaced) return;
  await run.deps.notion.trashPage(token, replaced).catch((error: unknown) => run.log.warn({ err: error, pageId: replaced }, "could not move the replaced page to the trash"));
}

/** The databases a picked job's saved message offers to move it to, numbered as its buttons are. */
async function movesOf(run: Run): Promise<{ index: number; title: string }[]> {
  const others = run.checkpoints.picked?.others ?? [];
  const found = await Promise.all(others.map((id) => run.deps.schemas.find(id)));
  return found.flatMap((schema, index) => (schema ? [{ index, title: schema.title }] : []));
}

async function notify(run: Run, schema: NotionSchema): Promise<void> {
  const { deps, checkpoints } = run;
  if (checkpoints.notified) return;
  await run.shown;
  const moves = checkpoints.picked ? await movesOf(run) : undefined;
  await timed(run, "notify", () =>
    deps.sink.done({ type: "done", job: run.job, page: checkpoints.publish!, summary: checkpoints.summarize!, databaseTitle: schema.title, moves }),
  );
  await save(run, "FINISHED", { notified: true });
}

/**
 * Takes one claimed job through every unfinished stage, saving each stage's output before the
 * next begins. Throws typed errors (src/errors.ts); the worker decides between retry and failure.
 */
export async function runPipeline(deps: PipelineDeps, job: Job, owner: string): Promise<void> {
  const checkpoints = checkpointsOf(job);
  let schema = job.schemaId ? await deps.schemas.find(job.schemaId) : undefined;
  if (!schema && !checkpoints.pickDatabase) {
    throw new UserFacingError(
      "notion_database_deleted",
      "error.databaseUnavailable",
    );
  }
  const log = deps.log.child({ jobId: job.id, userId: job.userId });
  const run: Run = { deps, log, job, owner, checkpoints, timings: { ...checkpoints.timings }, shown: Promise.resolve(), recording: [], chunksKept: Promise.resolve(), summarisedBefore: checkpoints.summarize !== undefined };
  try {
    await analyseVideo(run);
    schema ??= await pickDatabase(run);
    await summarise(run, schema);
    await publish(run, schema);
    await notify(run, schema);
  } finally {
    // Uploads still running when a stage failed: let them end (and their folder go) first.
    await run.pictures;
    // A failure message must come after the last stage edit, never before it.
    await run.shown;
    await Promise.all(run.recording);
  }
}

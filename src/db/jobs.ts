/**
 * The Job repository: the only owner of the Job table. Claims under a lease with
 * `FOR UPDATE SKIP LOCKED`, every update by a worker checked against its lease, and the
 * reads the chat, the intake and the metrics need, each by its domain name.
 */
import { english, type TextRef } from "../i18n/index.ts";
import type { Database } from "./client.ts";
import { Prisma, type Job, type JobStage, type JobStatus } from "./generated/client.ts";

export type { Job, JobStage, JobStatus } from "./generated/client.ts";

/** Where a job's progress is shown: one message per chat that asked for this link. */
export interface ProgressMessageRef {
  platform: "TELEGRAM" | "DISCORD";
  chatId: string;
  messageId: string;
}

/** A new job, as the intake writes it. */
export interface NewJob {
  userId: string;
  identityId: string;
  sourceText: string;
  canonicalUrl: string;
  platform: string;
  schemaId: string | null;
  status: Extract<JobStatus, "QUEUED" | "WAITING_FOR_SCHEMA" | "WAITING_FOR_CONNECTION">;
  /** What the job starts with besides its link (a sent file's reference). */
  checkpoints?: Prisma.InputJsonObject;
}

/** A job with the title of the database it goes to (for /status). */
export type JobWithDatabase = Job & { schema: { title: string } | null };

/** Thrown when a worker finds another worker now holds its job (its lease expired). */
export class LeaseLostError extends Error {
  constructor(jobId: string) {
    super(`lease on job ${jobId} was lost`);
    this.name = "LeaseLostError";
  }
}

/** Every read and write of the Job table. */
export interface JobRepository {
  /**
   * Claims the oldest runnable job: queued and due, or running under an expired lease (its
   * worker died). At most `perUserCap` live jobs per person, so one person's fifty links never
   * starve another's one. `running`: jobs this worker still runs, never claimed again by it.
   * Attempts count runs that end (done, retried or failed): a claim from the queue starts one;
   * taking over a lapsed lease (its worker died or lost the database) carries on the attempt that
   * was cut short, so kills and restarts do not spend a job's JOB_MAX_ATTEMPTS; it counts in
   * `takeovers` instead, which the worker caps so a job that kills every worker ends.
   */
  claimNext(owner: string, leaseMs: number, perUserCap: number, running?: string[]): Promise<Job | undefined>;
  /** The job, or undefined when there is none with this id. */
  find(id: string): Promise<Job | undefined>;
  /** Extends the lease; throws LeaseLostError when another worker has taken the job over. */
  renewLease(job: Pick<Job, "id">, owner: string, leaseMs: number): Promise<void>;
  /**
   * Merges a finished stage's output into the job's checkpoints (atomically, so the parallel
   * TRANSCRIBE and OCR stages never overwrite each other) and moves the job to `stage`.
   */
  saveCheckpoint(job: Pick<Job, "id">, owner: string, stage: JobStage, patch: object): Promise<void>;
  /** Sets the database a job goes to, once it was picked for the person while the job ran. */
  chooseSchema(job: Pick<Job, "id">, owner: string, schemaId: string): Promise<void>;
  /**
   * Queues a saved job of this person again for another database: its summary, pictures and
   * page are dropped (speech and on-screen text are kept, never paid twice) and the old page is remembered in the
   * `replaces` checkpoint, to go to Notion's trash once the new one exists. Undefined when the
   * job is not theirs or not saved.
   */
  moveDone(userId: string, jobId: string, schemaId: string): Promise<Job | undefined>;
  /** Records the Notion page at once, before anything else can fail, so a retry never makes a second one. */
  recordPage(job: Pick<Job, "id">, owner: string, pageId: string, url: string): Promise<void>;
  /** Marks the job done. */
  complete(job: Pick<Job, "id">, owner: string): Promise<void>;
  /** Marks the job failed for good; `text` is the sentence the person reads (kept as a reference, rendered in English for operators). */
  fail(job: Pick<Job, "id">, owner: string, kind: string, text: TextRef): Promise<void>;
  /** Puts the job back in the queue to run after `runAfter`, keeping its checkpoints. */
  retryLater(job: Pick<Job, "id">, owner: string, runAfter: Date, kind: string, message: string): Promise<void>;
  /** Gives the job back untouched (shutdown): it runs again at once elsewhere, from its checkpoints. */
  release(job: Pick<Job, "id">, owner: string): Promise<void>;
  /**
   * Adds a chat message to the list of those showing this job's progress; returns the job's
   * status as the message joined (undefined when the job is gone). A job that had ended by then
   * will never edit the message: its outcome is the caller's to show.
   */
  addProgressMessage(jobId: string, ref: ProgressMessageRef): Promise<JobStatus | undefined>;
  /**
   * The messages showing a job's progress, read afresh (undefined when the job is gone). With
   * `heldBy`, none unless that worker still runs the job: a worker that lost its lease must not
   * show a stage over the result its successor already showed.
   */
  progressMessages(jobId: string, heldBy?: string): Promise<ProgressMessageRef[] | undefined>;
  /**
   * The person's live or saved jobs for any of these links, newest first: one query for all the
   * links of a message, searched with {@link sameLinkIn}.
   */
  jobsForLinks(userId: string, canonicalUrls: string[]): Promise<LinkJob[]>;
  /** Writes a new job. */
  create(job: NewJob): Promise<Job>;
  /** Queues a person's jobs waiting for a database or a connection (all, or those in `jobIds`) into `schemaId`. */
  releaseWaiting(userId: string, schemaId: string, jobIds?: string[]): Promise<Job[]>;
  /** Moves jobs waiting for a connection on to waiting for a database choice; returns them. */
  markConnectedWaitingForSchema(userId: string): Promise<Job[]>;
  /** Queues a failed job of this person again; undefined when not theirs or not failed. */
  retryFailed(userId: string, jobId: string): Promise<Job | undefined>;
  /** A person's latest jobs, newest first. */
  recent(userId: string, take: number): Promise<JobWithDatabase[]>;
  /** How many jobs are in each status. */
  countByStatus(): Promise<{ status: JobStatus; count: number }[]>;
  /** How many queued jobs are due now. */
  countDue(): Promise<number>;
  /** When the oldest still-queued job was created, if any. */
  oldestQueuedAt(): Promise<Date | undefined>;
  /**
   * Forgets the texts of finished (done or failed) jobs created more than `days` days ago: the
   * person's message and the transcript, on-screen text and summary checkpoints (the page in
   * Notion holds them). Returns how many jobs lost texts.
   */
  purgeTexts(days: number): Promise<number>;
}

/** The checkpoints that hold a job's texts, dropped by {@link JobRepository.purgeTexts}. */
export const TEXT_CHECKPOINTS = ["speechChunks", "transcribe", "ocr", "summarize"] as const;

/** A job as a shared link is checked against it. */
export type LinkJob = Pick<Job, "id" | "status" | "notionPageUrl" | "schemaId" | "canonicalUrl">;

/**
 * The newest of `jobs` (newest first, from {@link JobRepository.jobsForLinks}) for this link and
 * database, or still waiting for one; with no database named (null), in any database.
 */
export function sameLinkIn<T extends LinkJob>(jobs: T[], canonicalUrl: string, schemaId: string | null): T | undefined {
  return jobs.find(
    (j) =>
      j.canonicalUrl === canonicalUrl &&
      j.status !== "FAILED" &&
      // No database named (the bot picks one): the link saved or on its way anywhere is the same one.
      (schemaId === null || j.schemaId === schemaId || (j.schemaId === null && WAITING.includes(j.status))),
  );
}

/** Reads a job's progress message list as the typed value it was written as. */
export function progressMessagesOf(job: Pick<Job, "progressMessage">): ProgressMessageRef[] {
  return Array.isArray(job.progressMessage) ? (job.progressMessage as unknown as ProgressMessageRef[]) : [];
}

/** Prisma writes UTC into `timestamp` columns; compare against UTC too, whatever the server's zone. */
const NOW = `(now() AT TIME ZONE 'UTC')`;
const WAITING: JobStatus[] = ["WAITING_FOR_SCHEMA", "WAITING_FOR_CONNECTION"];

/** The Job repository over Postgres or PGlite. */
export function createJobRepository(db: Database): JobRepository {
  const find = async (id: string) => (await db.prisma.job.findUnique({ where: { id } })) ?? undefined;

  async function updateOwned(job: Pick<Job, "id">, owner: string, data: Prisma.JobUpdateManyMutationInput): Promise<void> {
    const { count } = await db.prisma.job.updateMany({ where: { id: job.id, leaseOwner: owner, status: "RUNNING" }, data });
    if (count === 0) throw new LeaseLostError(job.id);
  }

  return {
    async claimNext(owner, leaseMs, perUserCap, running = []) {
      const { rows } = await db.sql.query<{ id: string }>(
        `WITH candidate AS (
           SELECT j.id FROM "Job" j
           WHERE ((j.status = 'QUEUED' AND j."runAfter" <= ${NOW})
               OR (j.status = 'RUNNING' AND j."leaseUntil" < ${NOW}))
             AND NOT (j.id = ANY($4::uuid[]))
             AND (SELECT count(*) FROM "Job" r
                  WHERE r."userId" = j."userId" AND r.status = 'RUNNING' AND r."leaseUntil" >= ${NOW}) < $3
           ORDER BY j."runAfter", j."createdAt"
           LIMIT 1
           FOR UPDATE OF j SKIP LOCKED
         )
         UPDATE "Job" SET status = 'RUNNING', "leaseOwner" = $1,
           "leaseUntil" = ${NOW} + ($2::int * interval '1 millisecond'),
           attempts = attempts + CASE WHEN "Job".status = 'QUEUED' THEN 1 ELSE 0 END,
           takeovers = takeovers + CASE WHEN "Job".status = 'RUNNING' THEN 1 ELSE 0 END, "updatedAt" = ${NOW}
         FROM candidate WHERE "Job".id = candidate.id
         RETURNING "Job".id`,
        [owner, leaseMs, perUserCap, running],
      );
      const id = rows[0]?.id;
      return id ? find(id) : undefined;
    },
    find,
    renewLease: (job, owner, leaseMs) => updateOwned(job, owner, { leaseUntil: new Date(Date.now() + leaseMs) }),
    async saveCheckpoint(job, owner, stage, patch) {
      const { rows } = await db.sql.query(
        // A stage never reached before is progress: the takeovers so far were kills around the job,
        // not a job that kills its worker (that one dies again and again in the same stage).
        `UPDATE "Job" SET checkpoints = checkpoints || $3::jsonb, stage = $4::"JobStage", "updatedAt" = ${NOW},
           takeovers = CASE WHEN $4::"JobStage" > stage THEN 0 ELSE takeovers END
         WHERE id = $1::uuid AND "leaseOwner" = $2 AND status = 'RUNNING' RETURNING id`,
        [job.id, owner, JSON.stringify(patch), stage],
      );
      if (rows.length === 0) throw new LeaseLostError(job.id);
    },
    async chooseSchema(job, owner, schemaId) {
      const { count } = await db.prisma.job.updateMany({ where: { id: job.id, leaseOwner: owner, status: "RUNNING" }, data: { schemaId } });
      if (count === 0) throw new LeaseLostError(job.id);
    },
    async moveDone(userId, jobId, schemaId) {
      const { rows } = await db.sql.query(
        `UPDATE "Job" SET "schemaId" = $3::uuid, status = 'QUEUED', stage = 'SUMMARIZE', attempts = 0, takeovers = 0, "runAfter" = ${NOW},
           checkpoints = (checkpoints - 'summarize' - 'pictures' - 'publish' - 'notified' - 'picked') || jsonb_build_object('replaces', "notionPageId"),
           "notionPageId" = NULL, "notionPageUrl" = NULL, "finishedAt" = NULL, "updatedAt" = ${NOW}
         WHERE id = $1::uuid AND "userId" = $2::uuid AND status = 'DONE' AND "notionPageId" IS NOT NULL RETURNING id`,
        [jobId, userId, schemaId],
      );
      return rows.length === 0 ? undefined : find(jobId);
    },
    recordPage: (job, owner, pageId, url) => updateOwned(job, owner, { notionPageId: pageId, notionPageUrl: url }),
    complete: (job, owner) =>
      updateOwned(job, owner, {
        status: "DONE",
        stage: "FINISHED",
        leaseOwner: null,
        leaseUntil: null,
        errorKind: null,
        errorMessage: null,
        finishedAt: new Date(),
      }),
    fail: (job, owner, kind, text) =>
      updateOwned(job, owner, {
        status: "FAILED",
        leaseOwner: null,
        leaseUntil: null,
        errorKind: kind,
        errorMessage: english(text.key, text.params),
        errorText: { key: text.key, params: text.params ?? {} },
        finishedAt: new Date(),
      }),
    retryLater: (job, owner, runAfter, kind, message) =>
      // The run ended on its own (a passing failure): the worker did not die with it.
      updateOwned(job, owner, { status: "QUEUED", runAfter, leaseOwner: null, leaseUntil: null, errorKind: kind, errorMessage: message, takeovers: 0 }),
    // The attempt was not the job's fault, so it does not count.
    release: (job, owner) => updateOwned(job, owner, { status: "QUEUED", leaseOwner: null, leaseUntil: null, attempts: { decrement: 1 } }),
    async addProgressMessage(jobId, ref) {
      const { rows } = await db.sql.query<{ status: JobStatus }>(
        `UPDATE "Job" SET "progressMessage" = COALESCE("progressMessage", '[]'::jsonb) || $2::jsonb WHERE id = $1::uuid RETURNING status::text AS status`,
        [jobId, JSON.stringify([ref])],
      );
      return rows[0]?.status;
    },
    async progressMessages(jobId, heldBy) {
      const row = await db.prisma.job.findUnique({ where: { id: jobId }, select: { progressMessage: true, status: true, leaseOwner: true } });
      if (!row) return undefined;
      if (heldBy !== undefined && (row.status !== "RUNNING" || row.leaseOwner !== heldBy)) return [];
      return progressMessagesOf(row);
    },
    async jobsForLinks(userId, canonicalUrls) {
      if (canonicalUrls.length === 0) return [];
      // Plain SQL: this is on the way to every "Queued", where Prisma's own work per query was a
      // third of the service's CPU when a crowd sent links at once (issue 18).
      const { rows } = await db.sql.query<LinkJob>(
        `SELECT id, status::text AS status, "notionPageUrl", "schemaId", "canonicalUrl" FROM "Job"
         WHERE "userId" = $1::uuid AND "canonicalUrl" = ANY($2::text[]) AND status <> 'FAILED'
         ORDER BY "createdAt" DESC, id`,
        [userId, canonicalUrls],
      );
      return rows;
    },
    create: (job) => db.prisma.job.create({ data: job }),
    async releaseWaiting(userId, schemaId, jobIds) {
      const waiting = await db.prisma.job.findMany({ where: { userId, status: { in: WAITING }, ...(jobIds ? { id: { in: jobIds } } : {}) } });
      if (waiting.length === 0) return [];
      const ids = waiting.map((j) => j.id);
      await db.prisma.job.updateMany({ where: { id: { in: ids } }, data: { status: "QUEUED", schemaId, runAfter: new Date() } });
      return db.prisma.job.findMany({ where: { id: { in: ids } } });
    },
    async markConnectedWaitingForSchema(userId) {
      const waiting = await db.prisma.job.findMany({ where: { userId, status: "WAITING_FOR_CONNECTION" } });
      await db.prisma.job.updateMany({ where: { userId, status: "WAITING_FOR_CONNECTION" }, data: { status: "WAITING_FOR_SCHEMA" } });
      return waiting;
    },
    async retryFailed(userId, jobId) {
      const { count } = await db.prisma.job.updateMany({
        where: { id: jobId, userId, status: "FAILED" },
        data: { status: "QUEUED", attempts: 0, takeovers: 0, runAfter: new Date(), errorKind: null, errorMessage: null, errorText: Prisma.DbNull, finishedAt: null },
      });
      return count === 0 ? undefined : find(jobId);
    },
    recent: (userId, take) =>
      db.prisma.job.findMany({ where: { userId }, orderBy: { createdAt: "desc" }, take, include: { schema: { select: { title: true } } } }),
    async countByStatus() {
      const rows = await db.prisma.job.groupBy({ by: ["status"], _count: { _all: true } });
      return rows.map((row) => ({ status: row.status, count: row._count._all }));
    },
    countDue: () => db.prisma.job.count({ where: { status: "QUEUED", runAfter: { lte: new Date() } } }),
    async oldestQueuedAt() {
      const oldest = await db.prisma.job.findFirst({ where: { status: "QUEUED" }, orderBy: { createdAt: "asc" }, select: { createdAt: true } });
      return oldest?.createdAt;
    },
    async purgeTexts(days) {
      const { rows } = await db.sql.query(
        `UPDATE "Job" SET "sourceText" = NULL, checkpoints = checkpoints - $2::text[], "updatedAt" = ${NOW}
         WHERE status IN ('DONE', 'FAILED') AND "createdAt" < ${NOW} - ($1::int * interval '1 day') AND "sourceText" IS NOT NULL
         RETURNING id`,
        [days, TEXT_CHECKPOINTS],
      );
      return rows.length;
    },
  };
}

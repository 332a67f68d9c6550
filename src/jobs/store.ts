import type { Database } from "../db/client.ts";
import type { JobStage, Prisma } from "../db/generated/client.ts";
import type { Checkpoints, Job, ProgressMessageRef } from "./types.ts";

/** Prisma writes UTC into `timestamp` columns; compare against UTC too, whatever the server's zone. */
const NOW = `(now() AT TIME ZONE 'UTC')`;

/** Thrown when a worker finds another worker now holds its job (its lease expired). */
export class LeaseLostError extends Error {
  constructor(jobId: string) {
    super(`lease on job ${jobId} was lost`);
    this.name = "LeaseLostError";
  }
}

/**
 * Claims the oldest runnable job: queued and due, or running under an expired lease (its
 * worker died). At most `perUserCap` live jobs per person, so one person's fifty links never
 * starve another's one. `FOR UPDATE SKIP LOCKED` lets any number of workers share the table.
 */
export async function claimNextJob(
  db: Database,
  owner: string,
  leaseMs: number,
  perUserCap: number,
  /** Jobs this worker is still running: never claimed again by it, even if their lease lapsed. */
  running: string[] = [],
): Promise<Job | undefined> {
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
       attempts = attempts + 1, "updatedAt" = ${NOW}
     FROM candidate WHERE "Job".id = candidate.id
     RETURNING "Job".id`,
    [owner, leaseMs, perUserCap, running],
  );
  const id = rows[0]?.id;
  if (!id) return undefined;
  return (await db.prisma.job.findUnique({ where: { id } })) ?? undefined;
}

async function updateOwned(db: Database, job: Pick<Job, "id">, owner: string, data: Prisma.JobUpdateManyMutationInput): Promise<void> {
  const { count } = await db.prisma.job.updateMany({ where: { id: job.id, leaseOwner: owner, status: "RUNNING" }, data });
  if (count === 0) throw new LeaseLostError(job.id);
}

/** Extends the lease; throws LeaseLostError when another worker has taken the job over. */
export async function renewLease(db: Database, job: Pick<Job, "id">, owner: string, leaseMs: number): Promise<void> {
  await updateOwned(db, job, owner, { leaseUntil: new Date(Date.now() + leaseMs) });
}

/**
 * Merges a finished stage's output into the job's checkpoints (atomically, so the parallel
 * TRANSCRIBE and OCR stages never overwrite each other) and moves the job to `stage`.
 */
export async function saveCheckpoint(db: Database, job: Pick<Job, "id">, owner: string, stage: JobStage, patch: Partial<Checkpoints>): Promise<void> {
  const { rows } = await db.sql.query(
    `UPDATE "Job" SET checkpoints = checkpoints || $3::jsonb, stage = $4::"JobStage", "updatedAt" = ${NOW}
     WHERE id = $1::uuid AND "leaseOwner" = $2 AND status = 'RUNNING' RETURNING id`,
    [job.id, owner, JSON.stringify(patch), stage],
  );
  if (rows.length === 0) throw new LeaseLostError(job.id);
}

/** Records the Notion page at once, before anything else can fail, so a retry never makes a second one. */
export async function recordPage(db: Database, job: Pick<Job, "id">, owner: string, pageId: string, url: string): Promise<void> {
  await updateOwned(db, job, owner, { notionPageId: pageId, notionPageUrl: url });
}

/** Marks the job done. */
export async function completeJob(db: Database, job: Job, owner: string): Promise<void> {
  await updateOwned(db, job, owner, {
    status: "DONE",
    stage: "FINISHED",
    leaseOwner: null,
    leaseUntil: null,
    errorKind: null,
    errorMessage: null,
    finishedAt: new Date(),
  });
}

/** Fails the job for good with the sentence the chat shows. */
export async function failJob(db: Database, job: Job, owner: string, kind: string, message: string): Promise<void> {
  await updateOwned(db, job, owner, {
    status: "FAILED",
    leaseOwner: null,
    leaseUntil: null,
    errorKind: kind,
    errorMessage: message,
    finishedAt: new Date(),
  });
}

/** Puts the job back in the queue to run after `runAfter`, keeping its checkpoints. */
export async function retryJobLater(db: Database, job: Job, owner: string, runAfter: Date, kind: string, message: string): Promise<void> {
  await updateOwned(db, job, owner, {
    status: "QUEUED",
    runAfter,
    leaseOwner: null,
    leaseUntil: null,
    errorKind: kind,
    errorMessage: message,
  });
}

/** Gives the job back untouched (shutdown): it runs again at once elsewhere, from its checkpoints. */
export async function releaseJob(db: Database, job: Job, owner: string): Promise<void> {
  // The attempt was not the job's fault, so it does not count.
  await updateOwned(db, job, owner, { status: "QUEUED", leaseOwner: null, leaseUntil: null, attempts: { decrement: 1 } });
}

/** Adds a chat message to the list of those showing this job's progress. */
export async function addProgressMessage(db: Database, jobId: string, ref: ProgressMessageRef): Promise<void> {
  await db.sql.query(
    `UPDATE "Job" SET "progressMessage" = COALESCE("progressMessage", '[]'::jsonb) || $2::jsonb WHERE id = $1::uuid`,
    [jobId, JSON.stringify([ref])],
  );
}

/** The messages showing a job's progress. */
export function progressMessagesOf(job: Pick<Job, "progressMessage">): ProgressMessageRef[] {
  return Array.isArray(job.progressMessage) ? (job.progressMessage as unknown as ProgressMessageRef[]) : [];
}

import type { Database } from "../db/client.ts";
import type { JobStatus } from "../db/generated/client.ts";
import type { VideoLink } from "../links.ts";
import type { StateStore } from "../state/index.ts";
import type { Job } from "./types.ts";

/** What happened to one shared link. */
export type AcceptOutcome =
  | { kind: "queued"; link: VideoLink; job: Job }
  | { kind: "already_saved"; link: VideoLink; job: Job }
  | { kind: "in_progress"; link: VideoLink; job: Job }
  | { kind: "rate_limited"; link: VideoLink; retryInMinutes: number };

/** Who sent the links, and where they go. */
export interface LinkSubmission {
  userId: string;
  identityId: string;
  sourceText: string;
  links: VideoLink[];
  /** The chosen database, or null while the person still has to choose or connect. */
  schemaId: string | null;
  /** Status for new jobs: QUEUED with a database, else waiting for one or for a connection. */
  status: Extract<JobStatus, "QUEUED" | "WAITING_FOR_SCHEMA" | "WAITING_FOR_CONNECTION">;
}

const LIVE: JobStatus[] = ["QUEUED", "RUNNING", "WAITING_FOR_SCHEMA", "WAITING_FOR_CONNECTION"];
const HOUR_SECONDS = 3600;

async function findDuplicate(db: Database, submission: LinkSubmission, url: string): Promise<Job | undefined> {
  const jobs = await db.prisma.job.findMany({
    where: {
      userId: submission.userId,
      canonicalUrl: url,
      OR: [{ schemaId: submission.schemaId }, { schemaId: null, status: { in: ["WAITING_FOR_SCHEMA", "WAITING_FOR_CONNECTION"] } }],
      status: { in: [...LIVE, "DONE"] },
    },
    orderBy: { createdAt: "desc" },
    take: 1,
  });
  return jobs[0];
}

/** Counts a new link against the person's hourly allowance; false when it is spent. */
async function takeAllowance(state: StateStore, userId: string, perHour: number): Promise<{ ok: boolean; retryInMinutes: number }> {
  const window = Math.floor(Date.now() / (HOUR_SECONDS * 1000));
  const count = await state.increment(`links:${userId}:${window}`, HOUR_SECONDS);
  const retryInMinutes = Math.max(1, Math.ceil(((window + 1) * HOUR_SECONDS * 1000 - Date.now()) / 60_000));
  return { ok: count <= perHour, retryInMinutes };
}

/**
 * Turns shared links into jobs. The Job row is written before anything is answered, so
 * nothing a person sent is lost. The same link for the same database gives back the page
 * already made, or the job already running, instead of a second one.
 */
export async function acceptLinks(
  deps: { db: Database; state: StateStore; maxLinksPerHour: number },
  submission: LinkSubmission,
): Promise<AcceptOutcome[]> {
  const outcomes: AcceptOutcome[] = [];
  for (const link of submission.links) {
    const duplicate = await findDuplicate(deps.db, submission, link.url);
    if (duplicate) {
      outcomes.push({ kind: duplicate.status === "DONE" ? "already_saved" : "in_progress", link, job: duplicate });
      continue;
    }
    const allowance = await takeAllowance(deps.state, submission.userId, deps.maxLinksPerHour);
    if (!allowance.ok) {
      outcomes.push({ kind: "rate_limited", link, retryInMinutes: allowance.retryInMinutes });
      continue;
    }
    const job = await deps.db.prisma.job.create({
      data: {
        userId: submission.userId,
        identityId: submission.identityId,
        sourceText: submission.sourceText,
        canonicalUrl: link.url,
        platform: link.platform,
        schemaId: submission.schemaId,
        status: submission.status,
      },
    });
    outcomes.push({ kind: "queued", link, job });
  }
  return outcomes;
}

/** Starts a person's jobs that were waiting for a database choice or a Notion connection. */
export async function releaseWaitingJobs(db: Database, userId: string, schemaId: string, jobIds?: string[]): Promise<Job[]> {
  const where = {
    userId,
    status: { in: ["WAITING_FOR_SCHEMA", "WAITING_FOR_CONNECTION"] as JobStatus[] },
    ...(jobIds ? { id: { in: jobIds } } : {}),
  };
  const waiting = await db.prisma.job.findMany({ where });
  if (waiting.length === 0) return [];
  await db.prisma.job.updateMany({
    where: { id: { in: waiting.map((j) => j.id) } },
    data: { status: "QUEUED", schemaId, runAfter: new Date() },
  });
  return db.prisma.job.findMany({ where: { id: { in: waiting.map((j) => j.id) } } });
}

/** Moves jobs waiting for a connection on to waiting for a database choice. */
export async function markConnectedJobsWaitingForSchema(db: Database, userId: string): Promise<Job[]> {
  const waiting = await db.prisma.job.findMany({ where: { userId, status: "WAITING_FOR_CONNECTION" } });
  await db.prisma.job.updateMany({ where: { userId, status: "WAITING_FOR_CONNECTION" }, data: { status: "WAITING_FOR_SCHEMA" } });
  return waiting;
}

/** Queues a failed job again; it resumes from its checkpoints. Returns undefined when not the person's or not failed. */
export async function retryFailedJob(db: Database, userId: string, jobId: string): Promise<Job | undefined> {
  const { count } = await db.prisma.job.updateMany({
    where: { id: jobId, userId, status: "FAILED" },
    data: { status: "QUEUED", attempts: 0, runAfter: new Date(), errorKind: null, errorMessage: null, finishedAt: null },
  });
  if (count === 0) return undefined;
  return (await db.prisma.job.findUnique({ where: { id: jobId } })) ?? undefined;
}

/** A person's latest jobs, newest first (for /status). */
export function recentJobs(db: Database, userId: string, take = 5): Promise<(Job & { schema: { title: string } | null })[]> {
  return db.prisma.job.findMany({
    where: { userId },
    orderBy: { createdAt: "desc" },
    take,
    include: { schema: { select: { title: true } } },
  });
}

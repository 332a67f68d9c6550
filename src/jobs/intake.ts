import type { JobRepository, NewJob } from "../db/jobs.ts";
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
  status: NewJob["status"];
}

const HOUR_SECONDS = 3600;

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
  deps: { jobs: JobRepository; state: StateStore; maxLinksPerHour: number },
  submission: LinkSubmission,
): Promise<AcceptOutcome[]> {
  const outcomes: AcceptOutcome[] = [];
  for (const link of submission.links) {
    const duplicate = await deps.jobs.findSameLink(submission.userId, link.url, submission.schemaId);
    if (duplicate) {
      outcomes.push({ kind: duplicate.status === "DONE" ? "already_saved" : "in_progress", link, job: duplicate });
      continue;
    }
    const allowance = await takeAllowance(deps.state, submission.userId, deps.maxLinksPerHour);
    if (!allowance.ok) {
      outcomes.push({ kind: "rate_limited", link, retryInMinutes: allowance.retryInMinutes });
      continue;
    }
    const job = await deps.jobs.create({
      userId: submission.userId,
      identityId: submission.identityId,
      sourceText: submission.sourceText,
      canonicalUrl: link.url,
      platform: link.platform,
      schemaId: submission.schemaId,
      status: submission.status,
    });
    outcomes.push({ kind: "queued", link, job });
  }
  return outcomes;
}

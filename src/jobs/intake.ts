import { sameLinkIn, type JobRepository, type LinkJob, type NewJob } from "../db/jobs.ts";
import type { VideoLink } from "../links.ts";
import type { StateStore } from "../state/index.ts";
import type { Job, SentFile } from "./types.ts";

/** A video the person sent as a file, taken in like a link: `url` is its de-duplication key, never a web address. */
export interface SentVideo {
  platform: "file";
  /** `telegram-file:<file_unique_id>` or `discord-file:<sha256>`: the same file sent twice is one job. */
  url: string;
  key: string;
  file: SentFile;
}

/** What one job is made from: a shared link, or a video sent as a file. */
export type SharedVideo = VideoLink | SentVideo;

/** What happened to one shared link. */
export type AcceptOutcome =
  | { kind: "queued"; link: SharedVideo; job: Job }
  | { kind: "already_saved"; link: SharedVideo; job: LinkJob }
  | { kind: "in_progress"; link: SharedVideo; job: LinkJob }
  | { kind: "rate_limited"; link: SharedVideo; retryInMinutes: number };

/** Who sent the links, and where they go. */
export interface LinkSubmission {
  userId: string;
  identityId: string;
  sourceText: string;
  links: SharedVideo[];
  /** The chosen database, or null while the person still has to choose or connect. */
  schemaId: string | null;
  /** Status for new jobs: QUEUED with a database, else waiting for one or for a connection. */
  status: NewJob["status"];
  /** QUEUED without a database: the pipeline picks one of the person's several for each video. */
  pickDatabase?: boolean;
}

const HOUR_MS = 3600_000;

/** What the hourly allowance needs: the shared store (Redis when configured), the limit, and a clock. */
export interface AllowanceDeps {
  state: StateStore;
  maxLinksPerHour: number;
  /** Milliseconds since the epoch; tests move it. */
  now?: () => number;
}

/**
 * Counts one link (or one "Try again") against the person's hourly allowance, over a sliding
 * hour: the last clock hour's count weighs as much of it as still lies within the past sixty
 * minutes, so a burst across an hour boundary is refused as one inside an hour is. The counters
 * live in the state store, so every instance shares them through Redis. Refused attempts are not counted.
 */
export async function takeAllowance(deps: AllowanceDeps, userId: string): Promise<{ ok: boolean; retryInMinutes: number }> {
  const now = deps.now?.() ?? Date.now();
  const window = Math.floor(now / HOUR_MS);
  const elapsed = (now % HOUR_MS) / HOUR_MS;
  const limit = deps.maxLinksPerHour;
  // Check and count in one step: two messages at once cannot both take the last link of the hour.
  const { counted, current, previous } = await deps.state.countWithinLimit(
    { current: `links:${userId}:${window}`, previous: `links:${userId}:${window - 1}`, previousWeight: 1 - elapsed },
    limit,
    (2 * HOUR_MS) / 1000,
  );
  if (counted) return { ok: true, retryInMinutes: 0 };
  // When one more would fit again, if nothing more is sent: within this clock hour, or the next.
  const freeAt = current <= limit - 1 ? 1 - (limit - 1 - current) / previous : 1 + (1 - (limit - 1) / Math.max(current, 1));
  const minutes = Math.round(((freeAt - elapsed) * HOUR_MS) / 1000) / 60; // whole seconds: no 50.000001 minutes
  return { ok: false, retryInMinutes: Math.max(1, Math.ceil(minutes)) };
}

/**
 * Turns shared links into jobs. The Job row is written before anything is answered, so
 * nothing a person sent is lost. The same link for the same database gives back the page
 * already made, or the job already running, instead of a second one. `earlier` is the person's
 * jobs for these links when the caller asked for them already (alongside other questions).
 */
export async function acceptLinks(
  deps: AllowanceDeps & { jobs: JobRepository },
  submission: LinkSubmission,
  earlier?: LinkJob[],
): Promise<AcceptOutcome[]> {
  const outcomes: AcceptOutcome[] = [];
  // Newest first; a job made below joins it, so a link twice in one message is one job.
  const known = [...(earlier ?? (await deps.jobs.jobsForLinks(submission.userId, submission.links.map((l) => l.url))))];
  for (const link of submission.links) {
    const duplicate = sameLinkIn(known, link.url, submission.schemaId);
    if (duplicate) {
      outcomes.push({ kind: duplicate.status === "DONE" ? "already_saved" : "in_progress", link, job: duplicate });
      continue;
    }
    const allowance = await takeAllowance(deps, submission.userId);
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
      checkpoints: {
        ...(link.platform === "file" ? { sentFile: { ...link.file } } : {}),
        ...(submission.pickDatabase ? { pickDatabase: true } : {}),
      },
    });
    known.unshift(job);
    outcomes.push({ kind: "queued", link, job });
  }
  return outcomes;
}

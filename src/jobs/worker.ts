import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Config } from "../config.ts";
import { isStoreUnavailable, isTransient, TransientError, UserFacingError, userTextOf } from "../errors.ts";
import { retryDelayMs } from "./backoff.ts";
import { runPipeline, type PipelineDeps } from "./pipeline.ts";
import { LeaseLostError } from "../db/jobs.ts";
import type { TextRef } from "../i18n/index.ts";
import type { Job } from "./types.ts";

/** A worker loop of this process: claims jobs, runs them, retries or fails them. */
export interface Worker {
  readonly owner: string;
  /** Starts polling for jobs. */
  start(): void;
  /** Looks for work now (called after a job is queued in this process). */
  wake(): void;
  /** Jobs being worked on now. */
  active(): number;
  /** Stops claiming; running jobs get `graceMs` to finish, then their leases are released. */
  stop(graceMs: number): Promise<void>;
}

export interface WorkerOptions {
  jobs: Config["jobs"];
  /** Called when Notion says the person's token is no longer valid. */
  onNotionRevoked(userId: string): Promise<void>;
  pollMs?: number;
  /** Resolves when the process's chat answers in progress let jobs start (see chat/foreground.ts); claims wait for it. */
  yieldTo?: () => Promise<void>;
}

interface ActiveJob {
  job: Job;
  done: Promise<void>;
  abandoned: boolean;
}

/**
 * Workers that may die holding a job, without it reaching a new stage, before the job is taken
 * for the cause, per JOB_MAX_ATTEMPTS: a worker holds up to JOBS_IN_FLIGHT jobs, and a slow job
 * may live through several unrelated restarts (the full soak, a kill every 20 s, failed 5 of 210
 * innocent jobs at one per attempt).
 */
const TAKEOVERS_PER_ATTEMPT = 2;

/** Creates a worker. Any number of them, in any number of processes, can share one database. */
export function createWorker(deps: PipelineDeps, options: WorkerOptions): Worker {
  const owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const { jobs } = options;
  const active = new Map<string, ActiveJob>();
  let timer: NodeJS.Timeout | undefined;
  let stopping = false;
  let filling: Promise<void> | undefined;
  let again = false;
  const log = deps.log.child({ worker: owner });

  async function handleFailure(job: Job, failure: unknown): Promise<void> {
    // A database or Redis restart is a passing trouble of ours: the job waits for it, never fails on it.
    const error = isStoreUnavailable(failure) ? new TransientError("network", "the database or Redis did not answer", undefined, { cause: failure }) : failure;
    if (error instanceof LeaseLostError) {
      log.warn({ jobId: job.id }, "another worker took this job over; leaving it");
      return;
    }
    if (error instanceof UserFacingError) {
      log.info({ jobId: job.id, userId: job.userId, kind: error.kind }, "job failed for a reason the person can act on");
      if (error.kind === "notion_revoked") await options.onNotionRevoked(job.userId);
      await failForGood(job, error.kind, error.text);
      return;
    }
    if (isTransient(error) && job.attempts < jobs.maxAttempts) {
      const delay = retryDelayMs(job.attempts, error.retryAfterMs);
      log.warn({ jobId: job.id, attempt: job.attempts, delayMs: delay, kind: error.kind, err: error }, "job will be retried");
      await deps.jobs.retryLater(job, owner, new Date(Date.now() + delay), error.kind, error.message);
      return;
    }
    const kind = isTransient(error) ? error.kind : "bug";
    log.error({ jobId: job.id, userId: job.userId, err: error, attempts: job.attempts }, "job failed");
    await failForGood(job, kind, userTextOf(error));
  }

  /**
   * Tells the person, then records the failure: a failure is final only once it has been told.
   * Should telling fail, or the worker die in between, the job stays running under its lease and
   * whoever takes it over decides and tells again (an edit of the same message, so twice is harmless).
   */
  async function failForGood(job: Job, kind: string, text: TextRef): Promise<void> {
    await deps.sink.failed({ type: "failed", job, kind, text });
    await deps.jobs.fail(job, owner, kind, text);
    deps.metrics.jobFinished("FAILED");
    await showLateMessages(job);
    await forgetAnswers(job);
  }

  /**
   * The end is recorded: a message that began to follow the job while the person was being told
   * (a "Queued" sent late) gets the outcome too. One added after the end was recorded is its
   * sender's (the repository tells it so), so between the two none is missed.
   */
  async function showLateMessages(job: Job): Promise<void> {
    await deps.sink.ended?.(job.id).catch((error: unknown) => log.warn({ jobId: job.id, err: error }, "could not show the outcome on a message that came late"));
  }

  /** The job has ended: its spooled answers are in its checkpoints or no longer wanted (the boot sweep takes any left). */
  async function forgetAnswers(job: Job): Promise<void> {
    await deps.answers.forget(job.id).catch((error: unknown) => log.warn({ jobId: job.id, err: error }, "could not remove a finished job's spooled answers"));
  }

  /**
   * A job whose workers died with it twice JOB_MAX_ATTEMPTS times without progress (it crashes the
   * process, or exhausts its memory) is failed with a sentence instead of taking down the next worker.
   */
  async function stopCrashing(job: Job): Promise<void> {
    log.error({ jobId: job.id, userId: job.userId, takeovers: job.takeovers }, "the workers running this job kept dying with it; failed instead of run again");
    await failForGood(job, "worker_died", { key: "error.bug" }).catch((failure: unknown) => log.error({ jobId: job.id, err: failure }, "could not record a failure"));
  }

  async function work(entry: ActiveJob): Promise<void> {
    const { job } = entry;
    if (job.takeovers >= jobs.maxAttempts * TAKEOVERS_PER_ATTEMPT) return stopCrashing(job);
    let renewing: Promise<void> | undefined;
    const renew = setInterval(() => {
      // One renewal at a time: while the database is slow or the job's row is locked, renewals
      // piling up would take every pooled connection from the work itself (seen under load).
      renewing ??= deps.jobs
        .renewLease(job, owner, jobs.leaseMs)
        .catch((error: unknown) => log.warn({ jobId: job.id, err: error }, "could not renew a lease"))
        .finally(() => (renewing = undefined));
    }, Math.max(1000, jobs.leaseMs / 3));
    try {
      await runPipeline(deps, job, owner);
      if (!entry.abandoned) {
        await deps.jobs.complete(job, owner);
        deps.metrics.jobFinished("DONE");
        await showLateMessages(job);
        await forgetAnswers(job);
      }
    } catch (error) {
      if (entry.abandoned) return;
      await handleFailure(job, error).catch((failure: unknown) => log.error({ jobId: job.id, err: failure }, "could not record a failure"));
    } finally {
      clearInterval(renew);
    }
  }

  async function fill(): Promise<void> {
    if (active.size < jobs.inFlight) await options.yieldTo?.();
    while (!stopping && active.size < jobs.inFlight) {
      const job = await deps.jobs.claimNext(owner, jobs.leaseMs, jobs.perUserInFlight, [...active.keys()]);
      if (!job) return;
      log.info({ jobId: job.id, userId: job.userId, attempt: job.attempts, stage: job.stage }, "claimed a job");
      const entry: ActiveJob = { job, abandoned: false, done: Promise.resolve() };
      entry.done = work(entry).finally(() => {
        active.delete(job.id);
        wake();
      });
      active.set(job.id, entry);
    }
  }

  function wake(): void {
    if (stopping) return;
    if (filling) {
      again = true;
      return;
    }
    filling = fill()
      .catch((error: unknown) => log.error({ err: error }, "could not claim jobs"))
      .finally(() => {
        filling = undefined;
        if (again) {
          again = false;
          wake();
        }
      });
  }

  return {
    owner,
    start() {
      timer = setInterval(wake, options.pollMs ?? 500);
      timer.unref();
      wake();
    },
    wake,
    active: () => active.size,
    async stop(graceMs) {
      stopping = true;
      clearInterval(timer);
      await filling;
      const all = Promise.all([...active.values()].map((a) => a.done));
      const timedOut = await Promise.race([
        all.then(() => false),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(true), graceMs).unref()),
      ]);
      if (!timedOut) return;
      for (const entry of active.values()) {
        entry.abandoned = true;
        await deps.jobs.release(entry.job, owner).catch(() => undefined);
        log.info({ jobId: entry.job.id }, "released a running job at shutdown; its checkpoints are kept");
      }
    },
  };
}

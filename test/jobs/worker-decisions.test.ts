/**
 * The worker's decisions after a failed run, on in-memory repositories: retry later, fail for
 * good with the sentence to show, or forget a revoked Notion token. Milliseconds per test; the
 * real-database tests beside it (queue, crash-recovery, two-workers) cover the same store on Postgres.
 */
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import type { Job } from "../../src/db/jobs.ts";
import type { Person } from "../../src/db/people.ts";
import { TransientError, UserFacingError } from "../../src/errors.ts";
import { english } from "../../src/i18n/index.ts";
import { createAnswerSpool } from "../../src/jobs/answer-spool.ts";
import type { PipelineDeps } from "../../src/jobs/pipeline.ts";
import { createStageQueues } from "../../src/jobs/queues.ts";
import type { ProgressEvent } from "../../src/jobs/types.ts";
import { createWorker, type Worker } from "../../src/jobs/worker.ts";
import { createLogger } from "../../src/log.ts";
import type { MediaTools } from "../../src/media/index.ts";
import type { NotionApi } from "../../src/notion/client.ts";
import type { OnScreenTextReader } from "../../src/ai/index.ts";
import { memoryRepositories, type MemoryRepositories } from "../harness/memory-repositories.ts";

type Failed = Extract<ProgressEvent, { type: "failed" }>;

interface Setup {
  repos: MemoryRepositories;
  person: Person;
  failed: Failed[];
  finished: string[];
  revoked: string[];
  /** The job's status each time the person was told of its failure. */
  toldWhile: string[];
  /** Resolves with the job once the worker has put it back in the queue, or failed it and told the person. */
  settled: Promise<Job>;
  worker: Worker;
  deps: PipelineDeps;
  config: ReturnType<typeof loadConfig>;
}

let running: Worker | undefined;
afterEach(async () => running?.stop(0));

/** A worker whose every run fails with `error` (the first thing the pipeline does, making the work folder, throws it). */
async function workerFailingWith(error: unknown, env: Record<string, string> = {}, schema: "present" | "deleted" = "present", tellingFails: unknown[] = []): Promise<Setup> {
  const repos = memoryRepositories();
  const person = await repos.people.ensurePerson({ platform: "TELEGRAM", externalUserId: "1", chatId: "1" });
  const [recipes] = await repos.schemas.sync(person.userId, [{ databaseId: "db", dataSourceId: "ds", title: "Recipes", properties: {} }]);
  const failed: Failed[] = [];
  const finished: string[] = [];
  const revoked: string[] = [];
  const toldWhile: string[] = [];
  let settle: (job: Job) => void = () => undefined;
  const settled = new Promise<Job>((resolve) => (settle = resolve));
  const jobs = {
    ...repos.jobs,
    async retryLater(...args: Parameters<typeof repos.jobs.retryLater>) {
      await repos.jobs.retryLater(...args);
      settle((await repos.jobs.find(args[0].id))!);
    },
  };
  const config = loadConfig({ WORKER_ENABLED: "true", ...env });
  const log = createLogger({ logLevel: "silent", logPretty: false });
  const deps: PipelineDeps = {
    jobs,
    schemas: repos.schemas,
    log,
    // No run gets as far as a paid answer; the spool is only told each failed job has ended.
    answers: createAnswerSpool(path.join(tmpdir(), "reelnotes-worker-decisions"), log),
    media: { createWorkDir: () => Promise.reject(error) } as unknown as MediaTools,
    transcriber: undefined,
    ocr: {} as OnScreenTextReader,
    summarizer: undefined,
    notion: {} as NotionApi,
    loadNotionToken: async () => "ntn_test",
    refreshSchemas: async () => undefined,
    sentFiles: {},
    sink: {
      stage: async () => undefined,
      done: async () => undefined,
      async failed(event) {
        if (tellingFails.length > 0) throw tellingFails.shift();
        failed.push(event);
        toldWhile.push((await repos.jobs.find(event.job.id))!.status);
      },
    },
    queues: createStageQueues(config.jobs.concurrency),
    today: () => "2026-11-29",
    metrics: { observeStage: () => undefined, jobFinished: (status) => {
        // The last thing the worker does for a failed job: count it, once told and recorded.
        finished.push(status);
        settle({ ...[...repos.tables.jobs.values()][0]! });
      }, aiQuotaExhausted: () => undefined },
  };
  const schemaId = schema === "present" ? recipes!.id : "00000000-0000-4000-8000-000000000000";
  await repos.jobs.create({ userId: person.userId, identityId: person.identityId, sourceText: "x", canonicalUrl: "https://www.tiktok.com/@a/video/1", platform: "tiktok", schemaId, status: "QUEUED" });
  const worker = createWorker(deps, { jobs: config.jobs, onNotionRevoked: async (userId) => void revoked.push(userId), pollMs: 10 });
  running = worker;
  worker.start();
  return { repos, person, failed, finished, revoked, toldWhile, settled, worker, deps, config };
}

describe("the worker after a failed run", () => {
  it("puts a job back with the wait the service asked for on a passing failure, telling nobody yet", async () => {
    const before = Date.now();
    const w = await workerFailingWith(new TransientError("rate_limited", "Notion said 429", 30_000));
    const job = await w.settled;
    expect(job).toMatchObject({ status: "QUEUED", errorKind: "rate_limited", attempts: 1, leaseOwner: null });
    expect(job.runAfter.getTime()).toBeGreaterThanOrEqual(before + 30_000);
    expect(w.failed).toEqual([]);
    expect(w.finished).toEqual([]);
  });

  it("fails a job for good once its attempts are spent, with the busy-service sentence", async () => {
    const error = new TransientError("server_error", "Gemini said 503");
    const w = await workerFailingWith(error, { JOB_MAX_ATTEMPTS: "1" });
    const job = await w.settled;
    expect(job).toMatchObject({ status: "FAILED", errorKind: "server_error", errorMessage: english("error.transient"), errorText: { key: "error.transient" } });
    expect(w.failed.map((f) => [f.kind, f.text])).toEqual([["server_error", { key: "error.transient" }]]);
    expect(w.finished).toEqual(["FAILED"]);
  });

  it("fails at once on a reason the person can act on, with its own sentence", async () => {
    const w = await workerFailingWith(new UserFacingError("video_private", "error.videoPrivate"));
    const job = await w.settled;
    expect(job).toMatchObject({ status: "FAILED", errorKind: "video_private", errorMessage: "This video is private, so I can't save it.", attempts: 1 });
    expect(w.failed.map((f) => f.text)).toEqual([{ key: "error.videoPrivate" }]);
    // Told while the job was still running: the failure is recorded only once it has been told.
    expect(w.toldWhile).toEqual(["RUNNING"]);
    expect(w.revoked).toEqual([]);
  });

  it("records no failure it could not tell: the job stays under its lease, and whoever takes it over tells and records it", async () => {
    let refused: () => void = () => undefined;
    const tellingRefused = new Promise<void>((resolve) => (refused = resolve));
    const chatDown = new TransientError("server_error", "Telegram said 502");
    const w = await workerFailingWith(new UserFacingError("video_private", "error.videoPrivate"), {}, "present", [chatDown]);
    const sink = w.deps.sink;
    w.deps.sink = { ...sink, failed: (event) => sink.failed(event).catch((error: unknown) => (refused(), Promise.reject(error))) };
    await tellingRefused;
    await w.worker.stop(600_000);
    const [job] = [...w.repos.tables.jobs.values()];
    expect(job).toMatchObject({ status: "RUNNING", errorKind: null });
    expect(w.failed).toEqual([]);

    // The worker died or lost touch: its lease runs out and another takes the job over.
    job!.leaseUntil = new Date(Date.now() - 1000);
    running = createWorker(w.deps, { jobs: w.config.jobs, onNotionRevoked: async () => undefined, pollMs: 10 });
    running.start();
    expect(await w.settled).toMatchObject({ status: "FAILED", errorKind: "video_private", attempts: 1 });
    expect(w.toldWhile).toEqual(["RUNNING"]);
    expect(w.finished).toEqual(["FAILED"]);
  });

  it("forgets the Notion token when Notion revoked it", async () => {
    const w = await workerFailingWith(new UserFacingError("notion_revoked", "error.notionGone"));
    await w.settled;
    expect(w.revoked).toEqual([w.person.userId]);
  });

  it("fails a job whose database was deleted before it ran, naming what to do", async () => {
    const w = await workerFailingWith(new Error("never reached"), {}, "deleted");
    const job = await w.settled;
    expect(job.status).toBe("FAILED");
    expect(job.errorKind).toBe("notion_database_deleted");
    expect(english(w.failed[0]!.text.key)).toContain("/tag");
  });

  it("calls a bug a bug, with the generic sentence and no retry", async () => {
    const w = await workerFailingWith(new TypeError("cannot read properties of undefined"));
    const job = await w.settled;
    expect(job).toMatchObject({ status: "FAILED", errorKind: "bug", errorMessage: english("error.bug"), errorText: { key: "error.bug" }, attempts: 1 });
  });
});

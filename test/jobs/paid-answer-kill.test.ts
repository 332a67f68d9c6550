import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Person } from "../../src/db/people.ts";
import { acceptLinks } from "../../src/jobs/intake.ts";
import { checkpointsOf } from "../../src/jobs/types.ts";
import { parseVideoLinks } from "../../src/links.ts";
import type { Hold } from "../emulators/kit.ts";
import { makeCaptionedClip } from "../fixtures/media.ts";
import { startServiceProcess, type ServiceProcess } from "../harness/processes.ts";
import { connectedPerson, startTestService, waitUntil, type TestService } from "../harness/service.ts";
import { openFreshDatabase } from "../harness/postgres.ts";
import { startWorld, type World } from "../harness/world.ts";

type Provider = "openai" | "vision" | "gemini";

/**
 * A worker process receives paid answers and is SIGKILLed before their checkpoints reach the
 * database: the test holds the job's row locked, so the checkpoint write waits in Postgres (as
 * it does, for milliseconds, on any loaded machine, or for a minute while Postgres restarts). A
 * successor takes the job over and finishes it, and each service was paid once per stage.
 */
describe("a worker killed between a paid answer and its checkpoint", () => {
  let world: World;
  let database: Awaited<ReturnType<typeof openFreshDatabase>>;
  let observer: TestService;
  let person: Person;
  let env: Record<string, string>;
  const processes: ServiceProcess[] = [];

  beforeAll(async () => {
    world = await startWorld({ transcript: "Fold the dough twice and rest it." });
    await makeCaptionedClip(world.mediaDir, { name: "spool-short", seconds: 3, captions: ["Short bread"], speech: "Fold the dough." });
    // Two audio chunks: 30 s is the longest one.
    const sentences = Array.from({ length: 12 }, (_, i) => `Step ${i + 1}. Fold the dough and rest it.`).join(" ");
    await makeCaptionedClip(world.mediaDir, { name: "spool-long", seconds: 40, captions: ["Long bread"], speech: sentences, width: 270, height: 480 });
    database = await openFreshDatabase();
    // Observes and seeds the database; takes no jobs itself. Every process shares its DATA_DIR, as one install's do.
    observer = await startTestService(world, database.url, { WORKER_ENABLED: "false" });
    person = await connectedPerson(observer, world);
    env = { ...world.env, DATABASE_URL: database.url, JOB_LEASE_SECONDS: "3", LOG_LEVEL: "info", DATA_DIR: observer.dataDir };
  });

  afterAll(async () => {
    for (const p of processes) await p.kill("SIGKILL");
    await observer?.stop();
    await database?.cleanup();
    await world?.stop();
  });

  const paid = () => ({
    openai: world.openai.uploads.length,
    vision: world.vision.requests.filter((r) => r.path.includes("images:annotate") && r.status === 200).length,
    gemini: world.gemini.calls.length,
  });

  async function queue(name: string): Promise<string> {
    const url = world.videoHost.postUrl(name);
    const links = parseVideoLinks(url, { extraAllowedHosts: [world.videoHost.host] });
    const [outcome] = await acceptLinks(
      { jobs: observer.repos.jobs, state: observer.state, maxLinksPerHour: 100 },
      { userId: person.userId, identityId: person.identityId, sourceText: url, links, schemaId: person.activeSchemaId, status: "QUEUED" },
    );
    if (outcome?.kind !== "queued") throw new Error("not queued");
    return outcome.job.id;
  }

  async function start(): Promise<ServiceProcess> {
    const started = await startServiceProcess(env);
    processes.push(started);
    return started;
  }

  /** The "ai usage" lines a process logged for each service: the answers it received. */
  function answersIn(process: ServiceProcess): Record<Provider, number> {
    const lines = process.output().split("\n").filter((line) => line.includes('"ai usage"'));
    const count = (provider: Provider) => lines.filter((line) => line.includes(`"provider":"${provider}"`)).length;
    return { openai: count("openai"), vision: count("vision"), gemini: count("gemini") };
  }

  /**
   * Once the held requests have arrived, locks the job's row and lets them through; kills the
   * process when it has logged `answers` and a checkpoint write of it waits on the lock. Then the
   * waiting write is ended with its dead client (it must not land later) and the lease lapses.
   */
  async function killBeforeCheckpoint(process: ServiceProcess, jobId: string, holds: Hold[], answers: Partial<Record<Provider, number>>): Promise<void> {
    await Promise.all(holds.map((h) => h.arrived));
    const lock = new pg.Client({ connectionString: database.url });
    await lock.connect();
    try {
      await lock.query("BEGIN");
      await lock.query(`SELECT id FROM "Job" WHERE id = $1 FOR UPDATE`, [jobId]);
      for (const hold of holds) hold.release();
      // Waiting on the row, or queued behind another write of the process (a lease renewal) that is.
      const waiting = (what: string) => `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid() ${what}`;
      const checkpointWaiting = async () => (await lock.query(waiting(`AND query LIKE '%checkpoints = checkpoints ||%'`))).rows.length > 0;
      const received = () => Object.entries(answers).every(([provider, n]) => answersIn(process)[provider as Provider] >= n);
      await waitUntil(async () => received() && (await checkpointWaiting()), 300_000, "the answers to arrive and their checkpoint to wait");
      await process.kill("SIGKILL");
      await lock.query(`SELECT pg_terminate_backend(pid) FROM (${waiting("")}) dead`);
      await lock.query(`UPDATE "Job" SET "leaseUntil" = now() - interval '1 second' WHERE id = $1`, [jobId]);
      await lock.query("COMMIT");
    } finally {
      await lock.end();
    }
  }

  async function finished(jobId: string) {
    return waitUntil(async () => {
      const job = await observer.repos.jobs.find(jobId);
      return job && (job.status === "DONE" || job.status === "FAILED") ? job : undefined;
    }, 300_000, "the job to finish");
  }

  it("pays once for a short clip's transcript, its on-screen text and its summary, each answer received by a worker killed before its checkpoint", { timeout: 600_000 }, async () => {
    const before = paid();
    const jobId = await queue("spool-short");

    const analysing = [world.openai.hold((req) => req.path.includes("/audio/transcriptions")), world.vision.hold((req) => req.path.includes("images:annotate"))];
    await killBeforeCheckpoint(await start(), jobId, analysing, { openai: 1, vision: 1 });

    const summarising = [world.gemini.hold((req) => req.method === "POST")];
    await killBeforeCheckpoint(await start(), jobId, summarising, { gemini: 1 });

    const last = await start();
    const done = await finished(jobId);
    await last.kill("SIGTERM");

    expect(done.errorMessage).toBeNull();
    expect(done.status).toBe("DONE");
    const after = paid();
    expect({ openai: after.openai - before.openai, vision: after.vision - before.vision, gemini: after.gemini - before.gemini }).toEqual({ openai: 1, vision: 1, gemini: 1 });
    expect(answersIn(last)).toEqual({ openai: 0, vision: 0, gemini: 0 });
    expect(last.output()).toContain("from the answer spool");
    expect(checkpointsOf(done).transcribe?.text).toContain("Fold the dough");
    expect(world.notion.pages.filter((p) => p.id === done.notionPageId)).toHaveLength(1);
  });

  it("pays once for each audio chunk of a long clip whose worker was killed before the chunks' checkpoints", { timeout: 600_000 }, async () => {
    const before = paid();
    const jobId = await queue("spool-long");

    const transcribing = [world.openai.hold((req) => req.path.includes("/audio/transcriptions"))];
    await killBeforeCheckpoint(await start(), jobId, transcribing, { openai: 2 });
    expect(checkpointsOf((await observer.repos.jobs.find(jobId))!).speechChunks ?? []).toHaveLength(0);

    const last = await start();
    const done = await finished(jobId);
    await last.kill("SIGTERM");

    expect(done.status).toBe("DONE");
    expect(checkpointsOf(done).extract?.audioChunks).toBe(2);
    expect(world.openai.uploads.length - before.openai, "chunks transcribed in all").toBe(2);
    expect(answersIn(last).openai).toBe(0);
  });
});

import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkpointsOf } from "../../src/jobs/types.ts";
import type { Hold } from "../emulators/kit.ts";
import { startCrashWorld, type CrashWorld } from "../harness/crash-world.ts";
import type { ServiceProcess } from "../harness/processes.ts";
import { waitUntil } from "../harness/service.ts";
import type { World } from "../harness/world.ts";

type Provider = "openai" | "vision" | "gemini";

const MULTI_SOURCE_WORKSPACE = fileURLToPath(new URL("../fixtures/workspaces/multi-source.json", import.meta.url));

/**
 * A worker process receives paid answers and is SIGKILLed before their checkpoints reach the
 * database: the test holds the job's row locked, so the checkpoint write waits in Postgres (as
 * it does, for milliseconds, on any loaded machine, or for a minute while Postgres restarts). A
 * successor takes the job over and finishes it, and each service was paid once per stage.
 */
describe("a worker killed between a paid answer and its checkpoint", () => {
  let crash: CrashWorld;
  let world: World;

  beforeAll(async () => {
    // Two audio chunks in the 40 s clip: 30 s is the longest one.
    const sentences = Array.from({ length: 12 }, (_, i) => `Step ${i + 1}. Fold the dough and rest it.`).join(" ");
    crash = await startCrashWorld({
      transcript: "Fold the dough twice and rest it.",
      clips: [
        { name: "spool-short", captions: ["Short bread"], speech: "Fold the dough." },
        { name: "spool-long", seconds: 40, captions: ["Long bread"], speech: sentences, width: 270, height: 480 },
        { name: "spool-pick", captions: ["Frozen margarita"], speech: "Blend lime, tequila and ice." },
      ],
      // Several databases: a job sent without naming one has one picked for it.
      workspaceFile: MULTI_SOURCE_WORKSPACE,
      // The test reads the workers' "ai usage" lines.
      logLevel: "info",
    });
    world = crash.world;
  });

  afterAll(() => crash?.stop());

  /** The "ai usage" lines a process logged for each service: the answers it received. */
  function answersIn(process: ServiceProcess): Record<Provider, number> {
    const lines = process.output().split("\n").filter((line) => line.includes('"ai usage"'));
    const count = (provider: Provider) => lines.filter((line) => line.includes(`"provider":"${provider}"`)).length;
    return { openai: count("openai"), vision: count("vision"), gemini: count("gemini") };
  }

  /**
   * Once the held requests have arrived, locks the job's row and lets them through; kills the
   * process when it has logged `answers` and its write of them (a statement containing `write`:
   * a checkpoint unless told) waits on the lock. Then the waiting write is ended with its dead
   * client (it must not land later) and the lease lapses.
   */
  async function killBeforeCheckpoint(
    process: ServiceProcess,
    jobId: string,
    holds: Hold[],
    answers: Partial<Record<Provider, number>>,
    write = "checkpoints = checkpoints ||",
  ): Promise<void> {
    await Promise.all(holds.map((h) => h.arrived));
    const lock = new pg.Client({ connectionString: crash.databaseUrl });
    await lock.connect();
    try {
      await lock.query("BEGIN");
      await lock.query(`SELECT id FROM "Job" WHERE id = $1 FOR UPDATE`, [jobId]);
      for (const hold of holds) hold.release();
      // Waiting on the row, or queued behind another write of the process (a lease renewal) that is.
      const waiting = (what: string) => `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid() ${what}`;
      const checkpointWaiting = async () => (await lock.query(waiting(`AND strpos(query, $1) > 0`), [write])).rows.length > 0;
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

  it("pays once for a short clip's transcript, its on-screen text and its summary, each answer received by a worker killed before its checkpoint", { timeout: 600_000 }, async () => {
    const before = crash.paid();
    const jobId = await crash.queue("spool-short");

    const analysing = [world.openai.hold((req) => req.path.includes("/audio/transcriptions")), world.vision.hold((req) => req.path.includes("images:annotate"))];
    await killBeforeCheckpoint(await crash.startWorker(), jobId, analysing, { openai: 1, vision: 1 });

    const summarising = [world.gemini.hold((req) => req.method === "POST")];
    await killBeforeCheckpoint(await crash.startWorker(), jobId, summarising, { gemini: 1 });

    const last = await crash.startWorker();
    const done = await crash.finished(jobId);
    await last.kill("SIGTERM");

    expect(done.errorMessage).toBeNull();
    expect(done.status).toBe("DONE");
    const after = crash.paid();
    expect({ openai: after.openai - before.openai, vision: after.vision - before.vision, gemini: after.gemini - before.gemini }).toEqual({ openai: 1, vision: 1, gemini: 1 });
    expect(answersIn(last)).toEqual({ openai: 0, vision: 0, gemini: 0 });
    expect(last.output()).toContain("from the answer spool");
    expect(checkpointsOf(done).transcribe?.text).toContain("Fold the dough");
    expect(world.notion.pages.filter((p) => p.id === done.notionPageId)).toHaveLength(1);
  });

  it("pays once for each audio chunk of a long clip whose worker was killed before the chunks' checkpoints", { timeout: 600_000 }, async () => {
    const before = crash.paid();
    const jobId = await crash.queue("spool-long");

    const transcribing = [world.openai.hold((req) => req.path.includes("/audio/transcriptions"))];
    await killBeforeCheckpoint(await crash.startWorker(), jobId, transcribing, { openai: 2 });
    expect(checkpointsOf((await crash.observer.repos.jobs.find(jobId))!).speechChunks ?? []).toHaveLength(0);

    const last = await crash.startWorker();
    const done = await crash.finished(jobId);
    await last.kill("SIGTERM");

    expect(done.status).toBe("DONE");
    expect(checkpointsOf(done).extract?.audioChunks).toBe(2);
    expect(world.openai.uploads.length - before.openai, "chunks transcribed in all").toBe(2);
    expect(answersIn(last).openai).toBe(0);
  });

  it("pays once for the pick of a database, received by a worker killed before the pick was kept", { timeout: 600_000 }, async () => {
    const before = crash.paid();
    const jobId = await crash.queue("spool-pick", { pickDatabase: true });

    // The job's first Gemini call is the pick; the database it names is stored on the job.
    const picking = [world.gemini.hold((req) => req.method === "POST")];
    await killBeforeCheckpoint(await crash.startWorker(), jobId, picking, { gemini: 1 }, `SET "schemaId"`);
    expect((await crash.observer.repos.jobs.find(jobId))!.schemaId).toBeNull();

    const last = await crash.startWorker();
    const done = await crash.finished(jobId);
    await last.kill("SIGTERM");

    expect(done.errorMessage).toBeNull();
    expect(done.status).toBe("DONE");
    expect(done.schemaId).not.toBeNull();
    expect(checkpointsOf(done).picked?.schemaId).toBe(done.schemaId);
    // The successor asked Gemini for the summary only: the pick came from the spool.
    expect(answersIn(last).gemini).toBe(1);
    expect(crash.paid().gemini - before.gemini).toBe(2);
    expect(last.output()).toContain("from the answer spool");
  });
});

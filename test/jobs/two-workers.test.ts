import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acceptLinks } from "../../src/jobs/intake.ts";
import { parseVideoLinks } from "../../src/links.ts";
import { makeCaptionedClip } from "../fixtures/media.ts";
import { startServiceProcess, type ServiceProcess } from "../harness/processes.ts";
import { connectedPerson, startTestService, waitUntil, type TestService } from "../harness/service.ts";
import { startWorld, type World } from "../harness/world.ts";
import { openFreshDatabase } from "../harness/postgres.ts";

const JOBS = 20;

/**
 * Two worker processes share one database and 20 jobs while 30% of calls to every API fail
 * with 429 or 503: every job completes once, with one page, and no paid call succeeds twice.
 */
describe("two worker processes under injected faults", () => {
  let world: World;
  let database: Awaited<ReturnType<typeof openFreshDatabase>>;
  let observer: TestService;
  const workers: ServiceProcess[] = [];

  beforeAll(async () => {
    world = await startWorld({ visionText: () => ["Fast on-screen text"] });
    for (const emulator of [world.openai, world.vision, world.gemini, world.notion]) {
      emulator.behaviour.faultRate = 0.3;
      emulator.behaviour.randomFaults = [{ kind: "429", retryAfterSeconds: 1 }, { kind: "503" }];
    }
    for (let i = 0; i < JOBS; i += 1) {
      await makeCaptionedClip(world.mediaDir, { name: `clip-${i}`, seconds: 2, captions: [`Clip ${i}`], speech: `Clip number ${i}.`, width: 270, height: 480 });
    }
    database = await openFreshDatabase();
    observer = await startTestService(world, database.url, { WORKER_ENABLED: "false" });
  });

  afterAll(async () => {
    for (const w of workers) await w.kill("SIGKILL");
    await observer?.stop();
    await database?.cleanup();
    await world?.stop();
  });

  // Twenty jobs through 30% faults take minutes on a loaded machine; the limit only guards against a hang.
  it("completes every job exactly once", { timeout: 900_000 }, async () => {
    // Four people with five links each, so the per-person cap is exercised too.
    const people = await Promise.all(["2001", "2002", "2003", "2004"].map((id) => connectedPerson(observer, world, id)));
    const jobIds: string[] = [];
    for (let i = 0; i < JOBS; i += 1) {
      const person = people[i % people.length]!;
      const url = world.videoHost.postUrl(`clip-${i}`);
      const [outcome] = await acceptLinks(
        { jobs: observer.repos.jobs, state: observer.state, maxLinksPerHour: 100 },
        { userId: person.userId, identityId: person.identityId, sourceText: url, links: parseVideoLinks(url, { extraAllowedHosts: [world.videoHost.host] }), schemaId: person.activeSchemaId, status: "QUEUED" },
      );
      if (outcome?.kind !== "queued") throw new Error("not queued");
      jobIds.push(outcome.job.id);
    }
    const env = { ...world.env, DATABASE_URL: database.url, LOG_LEVEL: "warn", DATA_DIR: observer.dataDir, JOB_MAX_ATTEMPTS: "10", JOBS_IN_FLIGHT: "4" };
    const started = Date.now();
    workers.push(await startServiceProcess(env), await startServiceProcess(env));

    const jobs = await waitUntil(async () => {
      const rows = await observer.db.prisma.job.findMany({ where: { id: { in: jobIds } } });
      return rows.every((j) => j.status === "DONE" || j.status === "FAILED") ? rows : undefined;
    }, 900_000, "all jobs to finish");
    const wallSeconds = (Date.now() - started) / 1000;

    expect(jobs.filter((j) => j.status !== "DONE").map((j) => j.errorMessage)).toEqual([]);
    for (const job of jobs) {
      const pages = world.notion.pages.filter((p) => JSON.stringify(p.properties).includes(job.canonicalUrl));
      expect(pages, `pages for ${job.canonicalUrl}`).toHaveLength(1);
    }
    const ok = (requests: { status?: number; path: string }[], path: string) => requests.filter((r) => r.status === 200 && r.path.includes(path)).length;
    expect(ok(world.openai.requests, "/audio/transcriptions")).toBe(JOBS);
    expect(ok(world.gemini.requests, ":generateContent")).toBe(JOBS);
    // Both processes took part.
    const owners = new Set(workers.map((w) => /ready (\S+)/.exec(w.output())?.[1]));
    expect(owners.size).toBe(2);

    const faults = [world.openai, world.vision, world.gemini, world.notion].reduce((n, e) => n + e.requests.filter((r) => r.fault).length, 0);
    const jobRetries = jobs.reduce((n, j) => n + j.attempts - 1, 0);
    console.info(`[pipeline figures] ${JOBS} jobs, 2 worker processes, ${wallSeconds.toFixed(1)} s wall, ${faults} injected faults, ${jobRetries} job-level retries`);
  });
});

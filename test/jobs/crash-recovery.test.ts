import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Person } from "../../src/db/people.ts";
import type { JobStage } from "../../src/db/jobs.ts";
import { acceptLinks } from "../../src/jobs/intake.ts";
import { checkpointsOf } from "../../src/jobs/types.ts";
import { parseVideoLinks } from "../../src/links.ts";
import type { Hold } from "../emulators/kit.ts";
import { makeCaptionedClip } from "../fixtures/media.ts";
import { startServiceProcess, type ServiceProcess } from "../harness/processes.ts";
import { connectedPerson, startTestService, waitUntil, type TestService } from "../harness/service.ts";
import { startWorld, type World } from "../harness/world.ts";
import { openFreshDatabase } from "../harness/postgres.ts";

/**
 * A worker process killed with SIGKILL in the middle of each stage in turn: after a restart
 * every job completes with exactly one Notion page, and no paid call of a finished stage
 * (transcription, OCR, summary) is made again. The stage's own service holds the process's
 * request until the kill, so the kill lands inside the stage however loaded the machine is.
 */
describe("crash recovery", () => {
  let world: World;
  let database: Awaited<ReturnType<typeof openFreshDatabase>>;
  let observer: TestService;
  let person: Person;
  let env: Record<string, string>;
  const processes: ServiceProcess[] = [];

  beforeAll(async () => {
    world = await startWorld({ transcript: "Bake the bread for 40 minutes at 220 degrees." });
    await Promise.all(
      ["download", "extract", "analyze", "summarize", "publish", "poison"].map((stage) =>
        makeCaptionedClip(world.mediaDir, { name: `crash-${stage}`, seconds: 3, captions: [`Stage ${stage}`], speech: `Stage ${stage}.` }),
      ),
    );
    // Two audio chunks: 30 s is the longest one.
    const sentences = Array.from({ length: 12 }, (_, i) => `Step ${i + 1}. Stir the dough and wait.`).join(" ");
    await makeCaptionedClip(world.mediaDir, { name: "crash-chunks", seconds: 40, captions: ["Long bread"], speech: sentences, width: 270, height: 480 });
    database = await openFreshDatabase();
    // Observes and seeds the database; takes no jobs itself.
    observer = await startTestService(world, database.url, { WORKER_ENABLED: "false" });
    person = await connectedPerson(observer, world);
    env = { ...world.env, DATABASE_URL: database.url, JOB_LEASE_SECONDS: "3", LOG_LEVEL: "warn", DATA_DIR: observer.dataDir };
  });

  afterAll(async () => {
    for (const p of processes) await p.kill("SIGKILL");
    await observer?.stop();
    await database?.cleanup();
    await world?.stop();
  });

  const counts = () => ({
    transcriptions: world.openai.uploads.length,
    ocr: world.vision.requests.filter((r) => r.path.includes("images:annotate") && r.status === 200).length,
    summaries: world.gemini.calls.length,
  });

  /**
   * Holds the requests of the stage, and says when the worker is inside it. EXTRACT calls
   * nobody: the next stage's requests are held, so the job cannot get further than its start,
   * and the worker is inside once the job shows EXTRACT (or, just past it, ANALYZE).
   */
  function holdInside(stage: JobStage, jobId: string): { holds: Hold[]; inside: () => Promise<unknown> } {
    const arrived = (holds: Hold[]) => ({ holds, inside: () => Promise.all(holds.map((h) => h.arrived)) });
    switch (stage) {
      case "DOWNLOAD":
        return arrived([world.videoHost.hold()]);
      case "EXTRACT": {
        const running = async () => {
          const job = await observer.repos.jobs.find(jobId);
          return job?.status === "RUNNING" && (job.stage === "EXTRACT" || job.stage === "ANALYZE");
        };
        return { holds: [world.openai.hold(), world.vision.hold()], inside: () => waitUntil(running, 300_000, "the job to reach EXTRACT") };
      }
      case "ANALYZE":
        return arrived([world.openai.hold((req) => req.path.includes("/audio/transcriptions"))]);
      case "SUMMARIZE":
        return arrived([world.gemini.hold((req) => req.method === "POST")]);
      default:
        return arrived([world.notion.hold((req) => req.method === "POST" && req.path === "/v1/pages")]);
    }
  }

  const cases: { stage: JobStage; finished: ("transcriptions" | "ocr" | "summaries")[] }[] = [
    { stage: "DOWNLOAD", finished: [] },
    { stage: "EXTRACT", finished: [] },
    { stage: "ANALYZE", finished: [] },
    { stage: "SUMMARIZE", finished: ["transcriptions", "ocr"] },
    { stage: "PUBLISH", finished: ["transcriptions", "ocr", "summaries"] },
  ];

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

  async function finished(jobId: string) {
    return waitUntil(async () => {
      const job = await observer.repos.jobs.find(jobId);
      return job && (job.status === "DONE" || job.status === "FAILED") ? job : undefined;
    }, 300_000, "the job to finish after the restart");
  }

  it("pays once for each audio chunk of a clip whose worker was killed while its last chunk was being transcribed", { timeout: 600_000 }, async () => {
    const jobId = await queue("crash-chunks");
    let transcriptions = 0;
    const hold = world.openai.hold((req) => req.path.includes("/audio/transcriptions") && ++transcriptions === 2);
    const first = await startServiceProcess(env);
    processes.push(first);
    await hold.arrived;
    // The chunk that did answer is kept before anything else happens to the job.
    await waitUntil(async () => checkpointsOf((await observer.repos.jobs.find(jobId))!).speechChunks?.length === 1, 300_000, "the first chunk to be kept");
    await first.kill("SIGKILL");
    const atKill = world.openai.uploads.length;
    hold.release();

    const second = await startServiceProcess(env);
    processes.push(second);
    const done = await finished(jobId);
    await second.kill("SIGTERM");

    expect(done.status).toBe("DONE");
    expect(checkpointsOf(done).extract?.audioChunks).toBe(2);
    expect(world.openai.uploads.length - atKill, "chunks transcribed after the restart").toBe(1);
    expect(checkpointsOf(done).speechChunks?.map((c) => c.startSeconds)).toHaveLength(2);
  });

  it("fails a job that every worker running it dies with, once twice JOB_MAX_ATTEMPTS workers have, telling the person it went wrong on our side", { timeout: 600_000 }, async () => {
    const jobId = await queue("crash-poison");
    // Two deaths per attempt are taken for unrelated restarts: one attempt allows two.
    const poisoned = { ...env, JOB_MAX_ATTEMPTS: "1" };
    for (let death = 1; death <= 2; death += 1) {
      // The download is where this job takes its worker down, every time.
      const download = world.videoHost.hold();
      const doomed = await startServiceProcess(poisoned);
      processes.push(doomed);
      await download.arrived;
      await doomed.kill("SIGKILL");
      download.release();
    }
    const last = await startServiceProcess(poisoned);
    processes.push(last);
    const failed = await finished(jobId);
    await last.kill("SIGTERM");

    expect(failed).toMatchObject({ status: "FAILED", errorKind: "worker_died", errorText: { key: "error.bug" }, attempts: 1, takeovers: 2 });
  });

  it.each(cases)("finishes a job whose worker was killed during $stage, paying once for finished stages", { timeout: 600_000 }, async ({ stage, finished: paidBefore }) => {
    const jobId = await queue(`crash-${stage.toLowerCase()}`);

    const { holds, inside } = holdInside(stage, jobId);
    const first = await startServiceProcess(env);
    processes.push(first);
    await inside();
    await first.kill("SIGKILL");
    const atKill = counts();
    for (const hold of holds) hold.release();

    const second = await startServiceProcess(env);
    processes.push(second);
    const done = await finished(jobId);
    await second.kill("SIGTERM");

    expect(done.errorMessage).toBeNull();
    expect(done.status).toBe("DONE");
    // A kill spends none of the job's attempts: the restarted worker carries on the one cut short.
    expect(done.attempts).toBe(1);
    const pages = world.notion.pages.filter((p) => JSON.stringify(p.properties).includes(done.canonicalUrl));
    expect(pages).toHaveLength(1);
    expect(pages[0]!.id).toBe(done.notionPageId);
    const after = counts();
    for (const kind of paidBefore) expect(after[kind], `${kind} repeated after a kill during ${stage}`).toBe(atKill[kind]);
  });
});

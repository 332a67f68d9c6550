import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobStage } from "../../src/db/jobs.ts";
import { checkpointsOf } from "../../src/jobs/types.ts";
import type { Hold } from "../emulators/kit.ts";
import { startCrashWorld, type CrashWorld } from "../harness/crash-world.ts";
import { waitUntil } from "../harness/service.ts";
import type { World } from "../harness/world.ts";

/**
 * A worker process killed with SIGKILL in the middle of each stage in turn: after a restart
 * every job completes with exactly one Notion page, and no paid call of a finished stage
 * (transcription, OCR, summary) is made again. The stage's own service holds the process's
 * request until the kill, so the kill lands inside the stage however loaded the machine is.
 */
describe("crash recovery", () => {
  let crash: CrashWorld;
  let world: World;

  beforeAll(async () => {
    // Two audio chunks in the 40 s clip: 30 s is the longest one.
    const sentences = Array.from({ length: 12 }, (_, i) => `Step ${i + 1}. Stir the dough and wait.`).join(" ");
    crash = await startCrashWorld({
      transcript: "Bake the bread for 40 minutes at 220 degrees.",
      clips: [
        ...["download", "extract", "analyze", "summarize", "publish", "poison"].map((stage) => ({ name: `crash-${stage}`, captions: [`Stage ${stage}`], speech: `Stage ${stage}.` })),
        { name: "crash-chunks", seconds: 40, captions: ["Long bread"], speech: sentences, width: 270, height: 480 },
      ],
      logLevel: "warn",
    });
    world = crash.world;
  });

  afterAll(() => crash?.stop());

  const counts = () => {
    const paid = crash.paid();
    return { transcriptions: paid.openai, ocr: paid.vision, summaries: paid.gemini };
  };

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
          const job = await crash.observer.repos.jobs.find(jobId);
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

  it("pays once for each audio chunk of a clip whose worker was killed while its last chunk was being transcribed", { timeout: 600_000 }, async () => {
    const jobId = await crash.queue("crash-chunks");
    let transcriptions = 0;
    const hold = world.openai.hold((req) => req.path.includes("/audio/transcriptions") && ++transcriptions === 2);
    const first = await crash.startWorker();
    await hold.arrived;
    // The chunk that did answer is kept before anything else happens to the job.
    await waitUntil(async () => checkpointsOf((await crash.observer.repos.jobs.find(jobId))!).speechChunks?.length === 1, 300_000, "the first chunk to be kept");
    await first.kill("SIGKILL");
    const atKill = world.openai.uploads.length;
    hold.release();

    const second = await crash.startWorker();
    const done = await crash.finished(jobId);
    await second.kill("SIGTERM");

    expect(done.status).toBe("DONE");
    expect(checkpointsOf(done).extract?.audioChunks).toBe(2);
    expect(world.openai.uploads.length - atKill, "chunks transcribed after the restart").toBe(1);
    expect(checkpointsOf(done).speechChunks?.map((c) => c.startSeconds)).toHaveLength(2);
  });

  it("fails a job that every worker running it dies with, once twice JOB_MAX_ATTEMPTS workers have, telling the person it went wrong on our side", { timeout: 600_000 }, async () => {
    const jobId = await crash.queue("crash-poison");
    // Two deaths per attempt are taken for unrelated restarts: one attempt allows two.
    const poisoned = { JOB_MAX_ATTEMPTS: "1" };
    for (let death = 1; death <= 2; death += 1) {
      // The download is where this job takes its worker down, every time.
      const download = world.videoHost.hold();
      const doomed = await crash.startWorker(poisoned);
      await download.arrived;
      await doomed.kill("SIGKILL");
      download.release();
    }
    const last = await crash.startWorker(poisoned);
    const failed = await crash.finished(jobId);
    await last.kill("SIGTERM");

    expect(failed).toMatchObject({ status: "FAILED", errorKind: "worker_died", errorText: { key: "error.bug" }, attempts: 1, takeovers: 2 });
  });

  it.each(cases)("finishes a job whose worker was killed during $stage, paying once for finished stages", { timeout: 600_000 }, async ({ stage, finished: paidBefore }) => {
    const jobId = await crash.queue(`crash-${stage.toLowerCase()}`);

    const { holds, inside } = holdInside(stage, jobId);
    const first = await crash.startWorker();
    await inside();
    await first.kill("SIGKILL");
    const atKill = counts();
    for (const hold of holds) hold.release();

    const second = await crash.startWorker();
    const done = await crash.finished(jobId);
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

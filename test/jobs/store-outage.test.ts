import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobRepository } from "../../src/db/jobs.ts";
import type { Person } from "../../src/db/people.ts";
import { createWorker, type Worker } from "../../src/jobs/worker.ts";
import { makeCaptionedClip } from "../fixtures/media.ts";
import { connectedPerson, runLinkToEnd, startTestService, type TestService } from "../harness/service.ts";
import { openFreshDatabase } from "../harness/postgres.ts";
import { startWorld, type World } from "../harness/world.ts";

/** What Prisma throws while Postgres restarts. */
const databaseDown = () => Object.assign(new Error("Can't reach database server at 127.0.0.1:5432"), { code: "P1001" });

/**
 * The database stops answering just as paid answers come in (a Postgres restart): the worker
 * keeps each answer and writes it once the database is back, instead of asking for it again.
 */
describe("a database that does not answer for a while", () => {
  let world: World;
  let database: Awaited<ReturnType<typeof openFreshDatabase>>;
  let service: TestService;
  let person: Person;
  let worker: Worker;
  const refused = { transcribe: 0, summarize: 0, page: 0 };

  beforeAll(async () => {
    world = await startWorld({ transcript: "Knead the dough for ten minutes." });
    await makeCaptionedClip(world.mediaDir, { name: "outage", seconds: 3, captions: ["Dough"], speech: "Knead the dough." });
    database = await openFreshDatabase();
    service = await startTestService(world, database.url, { WORKER_ENABLED: "false" });
    person = await connectedPerson(service, world);
    const real = service.repos.jobs;
    // Each write after a paid answer (and the page's) is refused three times before it goes through.
    const jobs: JobRepository = {
      ...real,
      async saveCheckpoint(job, owner, stage, patch) {
        for (const key of ["transcribe", "summarize"] as const) {
          if (key in patch && refused[key] < 3) {
            refused[key] += 1;
            throw databaseDown();
          }
        }
        return real.saveCheckpoint(job, owner, stage, patch);
      },
      async recordPage(job, owner, pageId, url) {
        if (refused.page < 3) {
          refused.page += 1;
          throw databaseDown();
        }
        return real.recordPage(job, owner, pageId, url);
      },
    };
    worker = createWorker({ ...service.pipeline, jobs, storeRetry: { attempts: 5, delayMs: 0 } }, { jobs: service.config.jobs, onNotionRevoked: async () => undefined });
    worker.start();
  });

  afterAll(async () => {
    await worker?.stop(0);
    await service?.stop();
    await database?.cleanup();
    await world?.stop();
  });

  it("writes each paid answer once the database is back, paying for none of them twice", async () => {
    const job = await runLinkToEnd({ ...service, worker }, world, person, world.videoHost.postUrl("outage"));
    expect(job.errorMessage).toBeNull();
    expect(job.status).toBe("DONE");
    expect(refused).toEqual({ transcribe: 3, summarize: 3, page: 3 });
    expect({ transcriptions: world.openai.uploads.length, summaries: world.gemini.calls.length }).toEqual({ transcriptions: 1, summaries: 1 });
    expect(world.notion.pages.map((p) => p.id)).toEqual([job.notionPageId]);
    // One run: the outage never sent the job back to the queue.
    expect(job.attempts).toBe(1);
  });
});

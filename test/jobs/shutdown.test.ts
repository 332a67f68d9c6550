import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acceptLinks } from "../../src/jobs/intake.ts";
import { checkpointsOf } from "../../src/jobs/types.ts";
import { parseVideoLinks } from "../../src/links.ts";
import { makeCaptionedClip } from "../fixtures/media.ts";
import { connectedPerson, startTestService, waitUntil, type TestService } from "../harness/service.ts";
import { startWorld, type World } from "../harness/world.ts";
import { openFreshDatabase } from "../harness/postgres.ts";

describe("shutdown", () => {
  let world: World;
  let database: Awaited<ReturnType<typeof openFreshDatabase>>;
  const services: TestService[] = [];

  beforeAll(async () => {
    world = await startWorld({ visionText: () => ["Shutdown test"] });
    await makeCaptionedClip(world.mediaDir, { name: "slow", seconds: 3, captions: ["Slow"], speech: "A slow summary." });
    database = await openFreshDatabase();
  });
  afterAll(async () => {
    for (const s of services) await s.stop();
    await database?.cleanup();
    await world?.stop();
  });

  it("stops claiming, gives a running job back after the grace period with its checkpoints, and another worker finishes it", { timeout: 600_000 }, async () => {
    // The summary never comes back while held, so stopping can only end by giving the job back.
    const summary = world.gemini.hold((req) => req.method === "POST");
    const first = await startTestService(world, database.url, { SHUTDOWN_GRACE_SECONDS: "1" });
    services.push(first);
    const person = await connectedPerson(first, world);
    const url = world.videoHost.postUrl("slow");
    const [outcome] = await acceptLinks(
      { jobs: first.repos.jobs, state: first.state, maxLinksPerHour: 30 },
      { userId: person.userId, identityId: person.identityId, sourceText: url, links: parseVideoLinks(url, { extraAllowedHosts: [world.videoHost.host] }), schemaId: person.activeSchemaId, status: "QUEUED" },
    );
    if (outcome?.kind !== "queued") throw new Error("not queued");
    first.worker!.wake();
    await summary.arrived;

    await first.stop();

    const second = await startTestService(world, database.url, { WORKER_ENABLED: "false" });
    services.push(second);
    const released = (await second.repos.jobs.find(outcome.job.id))!;
    expect(released.status).toBe("QUEUED");
    expect(released.leaseOwner).toBeNull();
    expect(checkpointsOf(released).transcribe?.text).toBeTruthy();
    const transcriptions = world.openai.uploads.length;

    summary.release();
    const third = await startTestService(world, database.url);
    services.push(third);
    const done = await waitUntil(async () => {
      const j = await third.repos.jobs.find(outcome.job.id);
      return j?.status === "DONE" ? j : undefined;
    }, 300_000, "the job to finish on another worker");
    expect(done.notionPageId).toBeTruthy();
    expect(world.openai.uploads.length).toBe(transcriptions);
  });
});

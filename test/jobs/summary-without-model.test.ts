import { afterEach, beforeAll, afterAll, describe, expect, it } from "vitest";
import { checkpointsOf } from "../../src/jobs/types.ts";
import { makeCaptionedClip } from "../fixtures/media.ts";
import { openFreshDatabase } from "../harness/postgres.ts";
import { connectedPerson, runLinkToEnd, startTestService, type TestService } from "../harness/service.ts";
import { startWorld, type World } from "../harness/world.ts";

/** A video Gemini will not (or cannot) summarise still becomes a page, which says why. */
describe("a page without the model's summary", () => {
  let world: World;
  let service: TestService | undefined;
  let database: Awaited<ReturnType<typeof openFreshDatabase>> | undefined;

  beforeAll(async () => {
    world = await startWorld({ visionText: () => ["Crispy tofu"] });
    await makeCaptionedClip(world.mediaDir, { name: "tofu", seconds: 3, captions: ["Crispy tofu"], speech: "Crispy tofu.", post: { title: "Crispy tofu bowl" } });
  });

  afterEach(async () => {
    await service?.stop();
    await database?.cleanup();
  });

  afterAll(async () => {
    await world?.stop();
  });

  async function saveTofu(env: Record<string, string>) {
    database = await openFreshDatabase();
    service = await startTestService(world, database.url, env);
    const person = await connectedPerson(service, world);
    const job = await runLinkToEnd(service, world, person, world.videoHost.postUrl("tofu"));
    return { job, body: JSON.stringify(world.notion.blocksOf(job.notionPageId ?? "")) };
  }

  it("when Gemini refuses the video (finishReason SAFETY): the job is done and the page says why, with the on-screen text", async () => {
    world.gemini.answerNext({ kind: "finish", reason: "SAFETY" });
    const { job, body } = await saveTofu({});
    expect(job.status).toBe("DONE");
    expect(checkpointsOf(job).summarize).toMatchObject({ title: "Crispy tofu bowl", missing: "blocked", keyPoints: [] });
    expect(body).toContain("No summary: Gemini declined to summarise this video because of what it shows or says.");
    expect(body).toContain("Crispy tofu");
  });

  it("when no Gemini key is set: the job is done without asking Gemini, and the page says the summary is off", async () => {
    const before = world.gemini.requests.length;
    const { job, body } = await saveTofu({ GEMINI_API_KEY: "" });
    expect(job.status).toBe("DONE");
    expect(world.gemini.requests.length).toBe(before);
    expect(checkpointsOf(job).summarize).toMatchObject({ title: "Crispy tofu bowl", missing: "not_configured" });
    expect(body).toContain("No summary: this bot has no Gemini key set up");
  });

  it("when Gemini stays down through the job's last attempt: the job is done and the page says Gemini could not be reached", async () => {
    database = await openFreshDatabase();
    service = await startTestService(world, database.url, { JOB_MAX_ATTEMPTS: "1" });
    const person = await connectedPerson(service, world);
    world.gemini.behaviour.faultRate = 1;
    world.gemini.behaviour.randomFaults = [{ kind: "503" }];
    try {
      const job = await runLinkToEnd(service, world, person, world.videoHost.postUrl("tofu"));
      expect(job.status).toBe("DONE");
      expect(checkpointsOf(job).summarize).toMatchObject({ title: "Crispy tofu bowl", missing: "unavailable" });
      expect(JSON.stringify(world.notion.blocksOf(job.notionPageId!))).toContain("No summary: Gemini could not be reached after several tries.");
    } finally {
      world.gemini.behaviour.faultRate = 0;
    }
  });
});

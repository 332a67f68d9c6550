import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkpointsOf } from "../../src/jobs/types.ts";
import { capturingLogger } from "../ai/log-capture.ts";
import { makeCaptionedClip } from "../fixtures/media.ts";
import { connectedPerson, startTestService, runLinkToEnd, type TestService } from "../harness/service.ts";
import { startWorld, type World } from "../harness/world.ts";
import { openFreshDatabase } from "../harness/postgres.ts";
import type { Person } from "../../src/db/people.ts";

describe("an OpenAI account with no quota left", () => {
  let world: World;
  let database: Awaited<ReturnType<typeof openFreshDatabase>>;
  let service: TestService;
  let person: Person;
  const { log, lines } = capturingLogger();

  beforeAll(async () => {
    world = await startWorld();
    world.openai.setQuotaExhausted(true);
    await makeCaptionedClip(world.mediaDir, { name: "spent", seconds: 3, captions: ["Lemon tart"], speech: "Lemon tart.", post: { title: "Lemon tart" } });
    database = await openFreshDatabase();
    service = await startTestService(world, database.url, {}, log);
    person = await connectedPerson(service, world);
  });

  afterAll(async () => {
    await service?.stop();
    await database?.cleanup();
    await world?.stop();
  });

  it("asks OpenAI once, tells the operator once, counts it, and still saves the page saying the transcript is missing", async () => {
    const url = world.videoHost.postUrl("spent");
    const job = await runLinkToEnd(service, world, person, url);

    expect(job.status).toBe("DONE");
    expect(job.attempts).toBe(1);
    expect(checkpointsOf(job).transcribe).toMatchObject({ text: "", missing: "quota_exhausted" });
    expect(world.openai.requests.filter((r) => r.path === "/v1/audio/transcriptions").map((r) => r.status)).toEqual([429]);

    const body = JSON.stringify(world.notion.blocksOf(job.notionPageId!));
    expect(body).toContain("No transcript: the transcription service's account has no credit left.");
    expect(body).not.toContain('"Transcript"');
    expect(body.toLowerCase()).toContain("lemon tart");

    const operatorErrors = lines.filter((l) => l.level === 50 && String(l.msg).includes("insufficient_quota"));
    expect(operatorErrors).toHaveLength(1);
    const metrics = await (await fetch(`http://127.0.0.1:${service.port}/metrics`)).text();
    expect(metrics).toMatch(/reelnotes_ai_quota_exhausted_total\{provider="openai"\} 1\b/);
  });
});

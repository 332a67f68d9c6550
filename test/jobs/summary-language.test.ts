import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Person } from "../../src/db/people.ts";
import { checkpointsOf } from "../../src/jobs/types.ts";
import { makeCaptionedClip } from "../fixtures/media.ts";
import { openFreshDatabase } from "../harness/postgres.ts";
import { connectedPerson, runLinkToEnd, startTestService, type TestService } from "../harness/service.ts";
import { startWorld, type World } from "../harness/world.ts";

/** Without a /language choice, the summary is written in the language transcription heard. */
describe("the summary's language by default", () => {
  let world: World;
  let database: Awaited<ReturnType<typeof openFreshDatabase>>;
  let service: TestService;
  let person: Person;

  beforeAll(async () => {
    world = await startWorld({ transcript: "Hoy hacemos una tortilla de patatas en veinte minutos." });
    await makeCaptionedClip(world.mediaDir, { name: "tortilla", seconds: 3, captions: ["Tortilla"], speech: "Tortilla de patatas.", post: { title: "Tortilla" } });
    database = await openFreshDatabase();
    // whisper-1 answers verbose_json, which names the language it heard.
    service = await startTestService(world, database.url, { TRANSCRIBE_MODEL: "whisper-1" });
    person = await connectedPerson(service, world);
  });

  afterAll(async () => {
    await service?.stop();
    await database?.cleanup();
    await world?.stop();
  });

  it("passes the language whisper detected (verbose_json `language`) to Gemini when the person chose none", async () => {
    world.openai.setLanguage("spanish");
    const job = await runLinkToEnd(service, world, person, world.videoHost.postUrl("tortilla"));
    expect(job.status).toBe("DONE");
    expect(checkpointsOf(job).transcribe?.language).toBe("spanish");
    const prompt = world.gemini.calls.at(-1)!.userText;
    expect(prompt).toContain('The speech in the video was detected as Spanish: write "title", "summary" and "keyPoints" in Spanish.');
    expect(prompt).not.toContain("whatever language the video speaks");
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acceptLinks } from "../../src/jobs/intake.ts";
import { parseVideoLinks } from "../../src/links.ts";
import { makeCaptionedClip } from "../fixtures/media.ts";
import { connectedPerson, startTestService, waitUntil, type TestService } from "../harness/service.ts";
import { startWorld, type World } from "../harness/world.ts";
import { openFreshDatabase } from "../harness/postgres.ts";
import type { Person } from "../../src/db/people.ts";

describe("a Notion database reelnotes may no longer add pages to", () => {
  let world: World;
  let database: Awaited<ReturnType<typeof openFreshDatabase>>;
  let service: TestService;
  let person: Person;

  beforeAll(async () => {
    world = await startWorld();
    await makeCaptionedClip(world.mediaDir, { name: "locked", seconds: 3, captions: ["Locked"], speech: "Locked out.", post: { title: "Locked" } });
    database = await openFreshDatabase();
    service = await startTestService(world, database.url);
    person = await connectedPerson(service, world);
  });

  afterAll(async () => {
    await service?.stop();
    await database?.cleanup();
    await world?.stop();
  });

  it("answers 403 restricted_resource with a sentence naming the database to share with reelnotes again", async () => {
    const schema = await service.db.prisma.notionSchema.findFirstOrThrow({ where: { id: person.activeSchemaId! } });
    world.notion.restrictWrites(schema.dataSourceId);
    const url = world.videoHost.postUrl("locked");
    const links = parseVideoLinks(url, { extraAllowedHosts: [world.videoHost.host] });
    const [outcome] = await acceptLinks(
      { jobs: service.repos.jobs, state: service.state, maxLinksPerHour: 30 },
      { userId: person.userId, identityId: person.identityId, sourceText: url, links, schemaId: person.activeSchemaId, status: "QUEUED" },
    );
    if (outcome?.kind !== "queued") throw new Error(`expected the link queued, got ${outcome?.kind}`);
    service.worker!.wake();
    const job = await waitUntil(async () => {
      const j = await service.repos.jobs.find(outcome.job.id);
      return j && ["DONE", "FAILED"].includes(j.status) ? j : undefined;
    }, 90_000, "the job to finish");
    expect(job.status).toBe("FAILED");
    expect(job.errorMessage).toContain(`your Notion database “${schema.title}”`);
    expect(job.errorMessage).toContain("Connections and add reelnotes again");
    expect(world.notion.requests.filter((r) => r.method === "POST" && r.path === "/v1/pages").map((r) => r.status)).toContain(403);
    expect(world.notion.pages).toHaveLength(0);
  });
});

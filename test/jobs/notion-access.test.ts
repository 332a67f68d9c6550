import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCaptionedClip } from "../fixtures/media.ts";
import { connectedPerson, startTestService, runLinkToEnd, type TestService } from "../harness/service.ts";
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
    const job = await runLinkToEnd(service, world, person, url);
    expect(job.status).toBe("FAILED");
    expect(job.errorMessage).toContain(`your Notion database “${schema.title}”`);
    expect(job.errorMessage).toContain("Connections and add reelnotes again");
    expect(world.notion.requests.filter((r) => r.method === "POST" && r.path === "/v1/pages").map((r) => r.status)).toContain(403);
    expect(world.notion.pages).toHaveLength(0);
  });
});

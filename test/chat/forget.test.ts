import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OutgoingMessage, Reply } from "../../src/chat/adapter.ts";
import { createConnectLink, peekConnectToken } from "../../src/chat/connect-link.ts";
import { english } from "../../src/i18n/index.ts";
import { makeCaptionedClip } from "../fixtures/media.ts";
import { openFreshDatabase } from "../harness/postgres.ts";
import { connectedPerson, runLinkToEnd, startTestService, type TestService } from "../harness/service.ts";
import { startWorld, type World } from "../harness/world.ts";
import type { Person } from "../../src/db/people.ts";

/**
 * /forget on the real service and Postgres: after the confirmation, no table holds a row that
 * names the person, their token is revoked at Notion, and their pages in Notion stay.
 */

const ADA = { platform: "TELEGRAM" as const, externalUserId: "forget-me-7731", chatId: "forget-me-7731", displayName: "Ada" };
const BO = "keep-me-5519";

let world: World;
let database: Awaited<ReturnType<typeof openFreshDatabase>>;
let service: TestService;
let ada: Person;
let bo: Person;
const said: OutgoingMessage[] = [];
const reply: Reply = async (message) => {
  said.push(message);
  return { chatId: ADA.chatId, messageId: String(said.length) };
};

beforeAll(async () => {
  world = await startWorld();
  await makeCaptionedClip(world.mediaDir, { name: "pasta", seconds: 3, captions: ["Boil water"], speech: "Boil the water first.", post: { title: "Pasta" } });
  database = await openFreshDatabase();
  service = await startTestService(world, database.url);
  ada = await connectedPerson(service, world, ADA.externalUserId);
  bo = await connectedPerson(service, world, BO);
  for (const who of [ada, bo]) expect((await runLinkToEnd(service, world, who, world.videoHost.postUrl("pasta"))).status).toBe("DONE");
});

afterAll(async () => {
  await service?.stop();
  await database?.cleanup();
  await world?.stop();
});

/** Every row of every table of the app, as JSON text. */
async function everyRow(): Promise<string[]> {
  const { rows: tables } = await service.db.sql.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'`,
  );
  expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(["User", "ChatIdentity", "NotionConnection", "NotionSchema", "Job", "UsageRecord"]));
  const rows: string[] = [];
  for (const { name } of tables) {
    const { rows: found } = await service.db.sql.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM "${name}" t`);
    rows.push(...found.map((r) => r.row));
  }
  return rows;
}

const naming = (rows: string[], ...marks: string[]) => rows.filter((row) => marks.some((mark) => row.includes(mark)));

describe("/forget", () => {
  it("asks first; after Yes no row names the person, the token is revoked at Notion, the pages stay, and others keep theirs", async () => {
    const adaToken = (await service.repos.connections.loadAccessToken(ada.userId))!;
    const adaJobs = (await service.repos.jobs.recent(ada.userId, 10)).map((j) => j.id);
    const link = await createConnectLink(service.state, service.config.publicUrl, ada.identityId);
    const before = await everyRow();
    const bosRows = naming(before, bo.userId);
    expect(naming(before, ada.userId, ada.identityId, ADA.externalUserId).length).toBeGreaterThanOrEqual(5);
    const pages = world.notion.pages.length;

    await service.chat.handleCommand(ADA, "forget", "", reply);
    expect(said.at(-1)).toMatchObject({ text: english("forgetConfirm") });
    expect(naming(await everyRow(), ada.userId)).not.toEqual([]);
    await service.chat.handleButton(ADA, "forget:yes", reply);

    expect(said.at(-1)).toEqual({ text: english("forgotten") });
    const after = await everyRow();
    expect(naming(after, ada.userId, ada.identityId, ADA.externalUserId, ...adaJobs)).toEqual([]);
    expect(naming(after, bo.userId)).toEqual(bosRows);
    const revoke = world.notion.requests.find((r) => r.method === "POST" && r.path === "/v1/oauth/revoke");
    expect(revoke?.body).toEqual({ token: adaToken });
    await expect(fetch(`${world.notion.url}/v1/search`, {
      method: "POST",
      headers: { Authorization: `Bearer ${adaToken}`, "Notion-Version": "2025-09-03", "Content-Type": "application/json" },
      body: "{}",
    }).then((r) => r.status)).resolves.toBe(401);
    expect(world.notion.pages.length).toBe(pages);
    expect(await peekConnectToken(service.state, link.split("/connect/")[1]!)).toEqual({ error: "expired_or_unknown" });
  });
});

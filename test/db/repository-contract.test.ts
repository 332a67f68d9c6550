/**
 * One specification of the repositories, run twice: against Postgres (src/db) and against the
 * in-memory repositories the fast chat tests use (test/harness/memory-repositories.ts), so the
 * fakes cannot drift from what the real ones do.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LeaseLostError, sameLinkIn } from "../../src/db/jobs.ts";
import type { Person } from "../../src/db/people.ts";
import { createRepositories, type Repositories } from "../../src/db/repositories.ts";
import { createTokenCipher } from "../../src/db/token-cipher.ts";
import { memoryRepositories } from "../harness/memory-repositories.ts";
import { openFreshDatabase } from "../harness/postgres.ts";

let fresh: Awaited<ReturnType<typeof openFreshDatabase>> | undefined;
let postgres: Repositories;

beforeAll(async () => {
  fresh = await openFreshDatabase();
  postgres = createRepositories(fresh.db, createTokenCipher([{ id: "primary", key: randomBytes(32).toString("base64") }]));
});
afterAll(async () => fresh?.cleanup());

const grant = { accessToken: "ntn_contract", refreshToken: "nrt_contract", workspaceId: "ws-1", workspaceName: "Reel Notes", botId: "bot-1" };
const source = (title: string, id: string) => ({ databaseId: `db-${id}`, dataSourceId: id, title, properties: { Name: { type: "title" } } });
/**
 * Creation times are kept to the millisecond, so two jobs made within one are equally new: a
 * test that needs one newer than `job` lets the clock move past its millisecond first.
 */
async function pastMillisecondOf(job: { createdAt: Date }): Promise<void> {
  while (Date.now() <= job.createdAt.getTime() + 1) await new Promise((resolve) => setImmediate(resolve));
}
const link = (n: number) => `https://www.tiktok.com/@chef/video/7300000000000000${n}`;
let nextAccount = 0;

describe.each([
  ["on Postgres", () => postgres],
  ["in memory", () => memoryRepositories()],
])("the repositories %s", (_where, open) => {
  let repos: Repositories;
  beforeAll(() => {
    repos = open();
  });
  /** A person nobody else shares rows with. */
  const someone = async (): Promise<Person> => {
    const id = `contract-${process.pid}-${(nextAccount += 1)}`;
    return repos.people.ensurePerson({ platform: "TELEGRAM", externalUserId: id, chatId: id, displayName: "Ada" });
  };
  const job = (who: Person, n: number, schemaId: string | null, status: "QUEUED" | "WAITING_FOR_SCHEMA" | "WAITING_FOR_CONNECTION" = "QUEUED") =>
    repos.jobs.create({ userId: who.userId, identityId: who.identityId, sourceText: link(n), canonicalUrl: link(n), platform: "tiktok", schemaId, status });
  /** The job a link would be a duplicate of, as intake finds it. */
  const sameLink = async (userId: string, url: string, schemaId: string | null) => sameLinkIn(await repos.jobs.jobsForLinks(userId, [url]), url, schemaId);

  it("finds the same person for the same chat account, keeping the DM chat current", async () => {
    const first = await repos.people.ensurePerson({ platform: "DISCORD", externalUserId: `d-${process.pid}`, chatId: "100" });
    const again = await repos.people.ensurePerson({ platform: "DISCORD", externalUserId: `d-${process.pid}`, chatId: "200" });
    expect(again).toEqual(first);
    expect(await repos.people.identity(first.identityId)).toMatchObject({ userId: first.userId, platform: "DISCORD", dmChatId: "200", activeSchemaId: null });
    expect(await repos.people.identity("00000000-0000-4000-8000-000000000000")).toBeUndefined();
  });

  it("keeps the chat app's language and the language chosen with /language, and reads them back for a job", async () => {
    const id = `lang-${process.pid}-${(nextAccount += 1)}`;
    const first = await repos.people.ensurePerson({ platform: "TELEGRAM", externalUserId: id, chatId: id, languageCode: "pt-BR" });
    expect(first).toMatchObject({ chosenLanguage: null, locale: "pt-BR" });
    const quiet = await repos.people.ensurePerson({ platform: "TELEGRAM", externalUserId: id, chatId: id });
    expect(quiet.locale).toBe("pt-BR");
    await repos.people.chooseLanguage(first.userId, "ja");
    expect(await repos.people.ensurePerson({ platform: "TELEGRAM", externalUserId: id, chatId: id, languageCode: "es" })).toMatchObject({ chosenLanguage: "ja", locale: "es" });
    expect((await repos.people.identity(first.identityId))?.language).toEqual({ chosen: "ja", locale: "es" });
    const made = await job(first, 9, null, "WAITING_FOR_SCHEMA");
    expect(await repos.people.languageOfJob(made.id)).toEqual({ chosen: "ja", locale: "es" });
    await repos.people.chooseLanguage(first.userId, null);
    expect(await repos.people.languageOfJob(made.id)).toEqual({ chosen: null, locale: "es" });
  });

  it("keeps tags unique and stable across syncs, and forgets unshared databases", async () => {
    const ada = await someone();
    const first = await repos.schemas.sync(ada.userId, [source("🍳 Recipes", "a"), source("Recipes!", "b"), source("Workouts", "c")]);
    expect(first.map((s) => s.tag)).toEqual(["recipes", "recipes-2", "workouts"]);
    const second = await repos.schemas.sync(ada.userId, [source("Recipes!", "b"), source("Workout log", "c")]);
    expect(second.map((s) => [s.dataSourceId, s.tag])).toEqual([
      ["b", "recipes-2"],
      ["c", "workout-log"],
    ]);
    expect((await repos.schemas.list(ada.userId)).map((d) => d.title)).toEqual(["Recipes!", "Workout log"]);
    expect(await repos.schemas.findByDataSource(ada.userId, "a")).toBeUndefined();
    expect((await repos.schemas.find(second[0]!.id))?.title).toBe("Recipes!");
  });

  it("gives the token back until Notion revokes it, and forgets token and databases on removal", async () => {
    const ada = await someone();
    await repos.connections.save(ada.userId, grant);
    expect(await repos.connections.loadAuth(ada.userId)).toEqual({ accessToken: "ntn_contract", refreshToken: "nrt_contract", workspaceId: "ws-1" });
    expect(await repos.connections.liveWorkspace(ada.userId)).toEqual({ name: "Reel Notes" });
    await repos.connections.markRevoked(ada.userId);
    expect(await repos.connections.loadAccessToken(ada.userId)).toBeUndefined();
    expect(await repos.connections.liveWorkspace(ada.userId)).toBeUndefined();
    await repos.connections.save(ada.userId, grant);
    await repos.schemas.sync(ada.userId, [source("Recipes", "r")]);
    await repos.connections.remove(ada.userId);
    expect(await repos.connections.loadAccessToken(ada.userId)).toBeUndefined();
    expect(await repos.schemas.list(ada.userId)).toEqual([]);
  });

  it("replaces both tokens after a refresh, but not on a revoked connection", async () => {
    const ada = await someone();
    await repos.connections.save(ada.userId, grant);
    await repos.connections.saveRefreshed(ada.userId, { accessToken: "ntn_second", refreshToken: "nrt_second" });
    expect(await repos.connections.loadAuth(ada.userId)).toEqual({ accessToken: "ntn_second", refreshToken: "nrt_second", workspaceId: "ws-1" });
    await repos.connections.markRevoked(ada.userId);
    await repos.connections.saveRefreshed(ada.userId, { accessToken: "ntn_third", refreshToken: "nrt_third" });
    expect(await repos.connections.loadAuth(ada.userId)).toBeUndefined();
    const bo = await someone();
    await repos.connections.save(bo.userId, { ...grant, refreshToken: undefined });
    expect(await repos.connections.loadAuth(bo.userId)).toEqual({ accessToken: "ntn_contract", refreshToken: undefined, workspaceId: "ws-1" });
  });

  it("sums a person's AI usage from a date on, a job's, and everyone's, in billed units (tesseract's images are free)", async () => {
    const ada = await someone();
    const bob = await someone();
    const first = await job(ada, 71, null);
    const second = await job(ada, 72, null);
    const before = await repos.usage.totals();
    const since = new Date(Date.now() - 60_000);
    await repos.usage.record(ada.userId, first.id, { provider: "openai", audioSeconds: 61.5, inputTokens: 9, outputTokens: 3 });
    await repos.usage.record(ada.userId, first.id, { provider: "vision", images: 8 });
    await repos.usage.record(ada.userId, first.id, { provider: "gemini", inputTokens: 2100, outputTokens: 350 });
    await repos.usage.record(ada.userId, second.id, { provider: "tesseract", images: 5 });
    await repos.usage.record(ada.userId, second.id, { provider: "gemini", inputTokens: 900, outputTokens: 150 });
    await repos.usage.record(bob.userId, undefined, { provider: "gemini", inputTokens: 40, outputTokens: 2 });
    const adas = { audioSeconds: 61.5, visionImages: 8, geminiInputTokens: 3000, geminiOutputTokens: 500, jobs: 2 };
    expect(await repos.usage.totalsOf(ada.userId, since)).toEqual(adas);
    expect(await repos.usage.totalsOf(ada.userId, new Date(Date.now() + 60_000))).toEqual({ audioSeconds: 0, visionImages: 0, geminiInputTokens: 0, geminiOutputTokens: 0, jobs: 0 });
    expect(await repos.usage.totalsOfJob(second.id)).toEqual({ audioSeconds: 0, visionImages: 0, geminiInputTokens: 900, geminiOutputTokens: 150, jobs: 1 });
    const after = await repos.usage.totals();
    expect(after.geminiInputTokens - before.geminiInputTokens).toBe(3040);
    expect(after.jobs - before.jobs).toBe(2);
  });

  it("remembers the chosen database", async () => {
    const ada = await someone();
    const [recipes] = await repos.schemas.sync(ada.userId, [source("Recipes", "r")]);
    await repos.people.chooseDatabase(ada.userId, recipes!.id);
    expect((await repos.people.identity(ada.identityId))?.activeSchemaId).toBe(recipes!.id);
  });

  it("finds a live or saved job for the same link and database, but not a failed one", async () => {
    const ada = await someone();
    const [recipes] = await repos.schemas.sync(ada.userId, [source("Recipes", "r")]);
    const queued = await job(ada, 1, recipes!.id);
    expect((await sameLink(ada.userId, link(1), recipes!.id))?.id).toBe(queued.id);
    expect(await sameLink(ada.userId, link(2), recipes!.id)).toBeUndefined();
    const waiting = await job(ada, 3, null, "WAITING_FOR_SCHEMA");
    expect((await sameLink(ada.userId, link(3), recipes!.id))?.id).toBe(waiting.id);
  });

  it("lists a person's jobs for several links in one call, newest first, without failed ones or other people's", async () => {
    const [ada, bob] = [await someone(), await someone()];
    const [recipes, travel] = await repos.schemas.sync(ada.userId, [source("Recipes", "r"), source("Travel", "t")]);
    const older = await job(ada, 5, recipes!.id);
    const other = await job(ada, 6, null, "WAITING_FOR_CONNECTION");
    await pastMillisecondOf(older);
    const newer = await job(ada, 5, travel!.id);
    await job(bob, 5, null);
    await job(ada, 7, recipes!.id);
    const found = await repos.jobs.jobsForLinks(ada.userId, [link(5), link(6)]);
    expect(found.map((j) => j.id).sort()).toEqual([older.id, other.id, newer.id].sort());
    expect(found.findIndex((j) => j.id === newer.id)).toBeLessThan(found.findIndex((j) => j.id === older.id));
    expect(found.find((j) => j.id === other.id)).toMatchObject({ status: "WAITING_FOR_CONNECTION", schemaId: null, canonicalUrl: link(6), notionPageUrl: null });
    expect(sameLinkIn(found, link(5), null)?.id).toBe(newer.id);
    expect(sameLinkIn(found, link(6), travel!.id)?.id).toBe(other.id);
    expect(await repos.jobs.jobsForLinks(ada.userId, [])).toEqual([]);
  });

  it("finds the same link in any database when none is named (the bot picks one for such a link)", async () => {
    const ada = await someone();
    const [recipes, travel] = await repos.schemas.sync(ada.userId, [source("Recipes", "r"), source("Travel", "t")]);
    const picked = await job(ada, 4, recipes!.id);
    expect((await sameLink(ada.userId, link(4), null))?.id).toBe(picked.id);
    // Naming another database is a new page there.
    expect(await sameLink(ada.userId, link(4), travel!.id)).toBeUndefined();
  });

  it("starts waiting jobs, moves connection-waiting ones on, and lists the newest first", async () => {
    const ada = await someone();
    const [recipes] = await repos.schemas.sync(ada.userId, [source("Recipes", "r")]);
    const a = await job(ada, 1, null, "WAITING_FOR_CONNECTION");
    await pastMillisecondOf(a);
    const b = await job(ada, 2, null, "WAITING_FOR_CONNECTION");
    expect((await repos.jobs.markConnectedWaitingForSchema(ada.userId)).map((j) => j.id).sort()).toEqual([a.id, b.id].sort());
    const started = await repos.jobs.releaseWaiting(ada.userId, recipes!.id, [a.id]);
    expect(started.map((j) => [j.id, j.status, j.schemaId])).toEqual([[a.id, "QUEUED", recipes!.id]]);
    expect((await repos.jobs.find(b.id))?.status).toBe("WAITING_FOR_SCHEMA");
    const recent = await repos.jobs.recent(ada.userId, 5);
    expect(recent.map((j) => j.id)).toEqual([b.id, a.id]);
    expect(recent[1]!.schema).toEqual({ title: "Recipes" });
  });

  it("claims under a lease, refuses writes from a worker that lost it, and retries a failed job for its owner only", async () => {
    const ada = await someone();
    const bob = await someone();
    const [recipes] = await repos.schemas.sync(ada.userId, [source("Recipes", "r")]);
    const queued = await job(ada, 1, recipes!.id);
    await repos.jobs.addProgressMessage(queued.id, { platform: "TELEGRAM", chatId: "1", messageId: "7" });
    expect(await repos.jobs.progressMessages(queued.id)).toEqual([{ platform: "TELEGRAM", chatId: "1", messageId: "7" }]);
    // Other tests' jobs may be claimable too: claim until this one comes.
    let claimed;
    for (let i = 0; i < 20 && claimed?.id !== queued.id; i += 1) claimed = await repos.jobs.claimNext(`w-${process.pid}`, 60_000, 100);
    expect(claimed).toMatchObject({ id: queued.id, status: "RUNNING", attempts: 1 });
    await expect(repos.jobs.renewLease(queued, "someone-else", 60_000)).rejects.toBeInstanceOf(LeaseLostError);
    // Stage edits follow the job only for the worker holding it; the outcome's edit (no holder named) always does.
    const shown = [{ platform: "TELEGRAM", chatId: "1", messageId: "7" }];
    expect(await repos.jobs.progressMessages(queued.id, `w-${process.pid}`)).toEqual(shown);
    expect(await repos.jobs.progressMessages(queued.id, "someone-else")).toEqual([]);
    await repos.jobs.saveCheckpoint(queued, `w-${process.pid}`, "SUMMARIZE", { download: { title: "t" } });
    await repos.jobs.fail(queued, `w-${process.pid}`, "server_error", { key: "error.transient" });
    expect(await repos.jobs.progressMessages(queued.id, `w-${process.pid}`)).toEqual([]);
    expect(await repos.jobs.progressMessages(queued.id)).toEqual(shown);
    expect(await sameLink(ada.userId, link(1), recipes!.id)).toBeUndefined();
    expect(await repos.jobs.retryFailed(bob.userId, queued.id)).toBeUndefined();
    const again = await repos.jobs.retryFailed(ada.userId, queued.id);
    expect(again).toMatchObject({ status: "QUEUED", attempts: 0, stage: "SUMMARIZE", errorKind: null, checkpoints: { download: { title: "t" } } });
    expect((await repos.jobs.countByStatus()).find((c) => c.status === "QUEUED")?.count).toBeGreaterThanOrEqual(1);
  });
});

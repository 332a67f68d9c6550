/**
 * The chat core, command by command, button by button and waiting state by waiting state, on
 * in-memory repositories: no database, no platform, milliseconds per test. The journeys in
 * test/telegram and test/discord cover the same conversation end to end on the real stack.
 */
import { beforeEach, describe, expect, it } from "vitest";
import type { ChatAdapter, ChatSender, OutgoingMessage, Reply, SentMessage } from "../../src/chat/adapter.ts";
import { COMMANDS } from "../../src/chat/commands.ts";
import { createChatCore, type ChatCore } from "../../src/chat/core.ts";
import { english as t } from "../../src/i18n/index.ts";
import type { Person } from "../../src/db/people.ts";
import { UserFacingError } from "../../src/errors.ts";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/log.ts";
import { MemoryStateStore } from "../../src/state/index.ts";
import { memoryRepositories, type MemoryRepositories } from "../harness/memory-repositories.ts";

const PUBLIC_URL = "https://reelnotes.example";
const ada: ChatSender = { platform: "TELEGRAM", externalUserId: "1001", chatId: "1001", displayName: "Ada" };
const video = (n: number) => `https://www.tiktok.com/@chef/video/73000000000000000${n}`;

interface Said {
  message: OutgoingMessage;
  personal: boolean;
}

let repos: MemoryRepositories;
let core: ChatCore;
let woken: number;
let refreshes: string[];
let refreshFailure: Error | undefined;
/** Whose tokens were revoked at Notion, each with whether the connection was still stored then. */
let revocations: { userId: string; stored: boolean }[];
let revokeConfirmed: boolean;
let typing: string[];
let said: Said[];
/** What the core sent to chats on its own (not as a reply). */
let pushed: OutgoingMessage[];
/** Messages the core edited, by id. */
let edited: { messageId: string; message: OutgoingMessage }[];

const reply: Reply = async (message, options) => {
  said.push({ message, personal: options?.personal ?? false });
  return { chatId: ada.chatId, messageId: String(said.length) } satisfies SentMessage;
};
const last = () => said.at(-1)!;
const buttonsOf = (s: Said) => (s.message.buttons ?? []).flat();
const command = (name: string, argument = "") => core.handleCommand(ada, name, argument, reply);
const press = (data: string) => core.handleButton(ada, data, reply);
const send = (text: string) => core.handleText(ada, text, reply);

/** This calendar month as /usage names it. */
const monthNow = (language: string) => new Intl.DateTimeFormat(language, { month: "long", year: "numeric", timeZone: "UTC" }).format(new Date());

/** Ada as the core knows her now. */
async function person(): Promise<Person> {
  return repos.people.ensurePerson(ada);
}

/** Ada with Notion connected and these databases shared (none chosen). */
async function connected(...titles: string[]): Promise<Person> {
  const me = await person();
  await repos.connections.save(me.userId, { accessToken: "ntn_test", workspaceId: "ws", workspaceName: "Ada's Notion", botId: "bot" });
  await repos.schemas.sync(
    me.userId,
    titles.map((title, i) => ({ databaseId: `db-${i}`, dataSourceId: `ds-${i}`, title, properties: {} })),
  );
  return me;
}

const schemaIdOf = async (title: string) => (await repos.schemas.list((await person()).userId)).find((d) => d.title === title)!.id;
const jobsOf = async () => repos.jobs.recent((await person()).userId, 100);

beforeEach(() => {
  repos = memoryRepositories();
  woken = 0;
  refreshes = [];
  refreshFailure = undefined;
  revocations = [];
  revokeConfirmed = true;
  typing = [];
  said = [];
  pushed = [];
  edited = [];
  core = createChatCore({
    repos,
    state: new MemoryStateStore(),
    log: createLogger({ logLevel: "silent", logPretty: false }),
    publicUrl: PUBLIC_URL,
    linkOptions: {},
    maxLinksPerHour: 30,
    prices: loadConfig({}).prices,
    wakeWorker: () => void (woken += 1),
    async refreshDatabases(userId) {
      refreshes.push(userId);
      if (refreshFailure) throw refreshFailure;
      return repos.schemas.list(userId);
    },
    async revokeNotion(userId) {
      revocations.push({ userId, stored: repos.tables.connections.has(userId) });
      return revokeConfirmed;
    },
  });
  const adapter: ChatAdapter = {
    platform: "TELEGRAM",
    send: async (chatId, message) => (pushed.push(message), { chatId, messageId: "sent" }),
    edit: async (_chatId, messageId, message) => void edited.push({ messageId, message }),
    typing: async (chatId) => void typing.push(chatId),
  };
  core.registerAdapter(adapter);
});

describe("/start", () => {
  it("introduces the bot and hands a stranger a one-time connect link, privately", async () => {
    await command("start");
    expect(last().message.text).toBe(`${t("intro")}\n\n${t("connectFirst")}`);
    expect(buttonsOf(last())).toEqual([{ text: t("connectButton"), url: expect.stringMatching(new RegExp(`^${PUBLIC_URL}/connect/[A-Za-z0-9_-]{43}$`)) }]);
    expect(last().personal).toBe(true);
  });

  it("answers Discord's /connect the same way", async () => {
    await command("connect");
    expect(last().message.text).toBe(`${t("intro")}\n\n${t("connectFirst")}`);
  });

  it("tells a connected person where new links go", async () => {
    const me = await connected("Recipes");
    await repos.people.chooseDatabase(me.userId, await schemaIdOf("Recipes"));
    await command("start");
    expect(last().message.text).toBe(`${t("intro")}\n\n${t("connectedAlready", { workspace: "Ada's Notion", database: "Recipes" })}`);
    expect(last().message.buttons).toBeUndefined();
  });
});

describe("/tag", () => {
  it("asks a person who never connected to connect first", async () => {
    await command("tag");
    expect(last().message.text).toBe(t("notConnected"));
  });

  it("says when no database is shared", async () => {
    await connected();
    await command("tag");
    expect(last().message.text).toBe(t("noDatabases"));
  });

  it("offers every database as a button, the current one ticked", async () => {
    const me = await connected("Recipes", "Workouts");
    await repos.people.chooseDatabase(me.userId, await schemaIdOf("Workouts"));
    await command("tag");
    expect(last().message.text).toBe(t("chooseDatabase"));
    expect(buttonsOf(last())).toEqual([
      { text: "Recipes", data: `tag:${await schemaIdOf("Recipes")}` },
      { text: "✓ Workouts", data: `tag:${await schemaIdOf("Workouts")}` },
    ]);
  });

  it("chooses a database by name, ignoring case", async () => {
    await connected("Recipes", "Workouts");
    await command("tag", "  WORKOUTS ");
    expect(last().message.text).toBe(t("databaseChosen", { database: "Workouts" }));
    expect((await person()).activeSchemaId).toBe(await schemaIdOf("Workouts"));
    expect(woken).toBe(0);
  });

  it("suggests close names for a name it cannot find, and changes nothing", async () => {
    await connected("Recipes", "Workouts");
    await command("tag", "recipies");
    expect(last().message.text).toBe(t("unknownTagSuggest", { name: "recipies" }));
    expect(buttonsOf(last())).toEqual([{ text: "Recipes", data: `tag:${await schemaIdOf("Recipes")}` }]);
    expect((await person()).activeSchemaId).toBeNull();
  });

  it("re-reads Notion on /tag refresh, showing typing first", async () => {
    const me = await connected("Recipes");
    await command("tag", "refresh");
    expect(refreshes).toEqual([me.userId]);
    expect(typing).toEqual([ada.chatId]);
    expect(last().message.text).toBe(t("refreshed", { databases: ["Recipes"] }));
  });

  it("says the user-facing reason when the refresh fails", async () => {
    await connected("Recipes");
    refreshFailure = new UserFacingError("notion_revoked", "error.notionGone");
    await command("tag", "refresh");
    expect(last().message.text).toBe(t("error.notionGone"));
  });
});

describe("/status", () => {
  it("says so when nothing was sent yet, privately", async () => {
    await command("status");
    expect(last()).toEqual({ message: { text: t("statusEmpty") }, personal: true });
  });

  it("lists the latest videos with their state, database and page", async () => {
    await connected("Recipes");
    await send(video(1));
    await command("status");
    expect(last().message.text).toBe(`${t("statusTitle")}\n${t("jobStatus.QUEUED", { url: video(1) })}`);
  });
});

describe("/usage", () => {
  it("says nothing was used this month by someone who saved nothing, privately", async () => {
    await command("usage");
    expect(last().message.text).toBe(t("usage.none", { month: monthNow("en") }));
    expect(last().personal).toBe(true);
  });

  it("sums this month's recorded usage of every job and prices it at the configured list prices", async () => {
    const me = await person();
    await repos.usage.record(me.userId, "job-1", { provider: "openai", audioSeconds: 90, inputTokens: 10, outputTokens: 5 });
    await repos.usage.record(me.userId, "job-1", { provider: "vision", images: 12 });
    await repos.usage.record(me.userId, "job-1", { provider: "gemini", inputTokens: 4000, outputTokens: 600 });
    await repos.usage.record(me.userId, "job-2", { provider: "openai", audioSeconds: 30 });
    await repos.usage.record(me.userId, "job-2", { provider: "tesseract", images: 7 });
    await repos.usage.record(me.userId, "job-2", { provider: "gemini", inputTokens: 1000, outputTokens: 400 });
    // Someone else's usage is not Ada's.
    await repos.usage.record("someone-else", "job-3", { provider: "vision", images: 500 });
    await command("usage");
    // 2 minutes at $0.003 + 12 images at $1.50/1000 + 5000 and 1000 tokens at $0.30 and $2.50 per million.
    const cost = 2 * 0.003 + (12 / 1000) * 1.5 + (5000 / 1e6) * 0.3 + (1000 / 1e6) * 2.5;
    expect(cost).toBeCloseTo(0.028, 9);
    expect(last().message.text!.split("\n")).toEqual([
      t("usage.videos", { count: 2, month: monthNow("en"), cost: "$0.028" }),
      "• 120 seconds of speech transcribed.",
      "• 12 images read for on-screen text.",
      "• Gemini tokens: 5,000 read and 1,000 written.",
      t("usage.prices"),
    ]);
  });

  it("answers in the person's language with its plurals and number format", async () => {
    const me = await person();
    await repos.people.chooseLanguage(me.userId, "de");
    await repos.usage.record(me.userId, "job-1", { provider: "openai", audioSeconds: 1 });
    await repos.usage.record(me.userId, "job-1", { provider: "gemini", inputTokens: 12000, outputTokens: 1 });
    await command("usage");
    const lines = last().message.text!.split("\n");
    // 1/60 min at $0.003 + 12,000 input and 1 output tokens: $0.0036525, shown to three digits, German style.
    expect(lines[0]).toBe(`Im ${monthNow("de")} hat dein 1 Video zu Listenpreisen etwa 0,00365\u00a0$ gekostet:`);
    expect(lines.slice(1, 4)).toEqual(["• 1 Sekunde Sprache transkribiert.", "• 0 Bilder nach Text im Bild gelesen.", "• Gemini-Tokens: 12.000 gelesen und 1 geschrieben."]);
  });
});

describe("/help", () => {
  it("lists every command of the registry with its usage", async () => {
    await command("help");
    const text = last().message.text;
    expect(text.startsWith(t("helpIntro"))).toBe(true);
    for (const c of COMMANDS) expect(text).toContain(`/${c.name}: ${t(c.usage ?? c.description)}`);
    expect(text.endsWith(t("helpFooter"))).toBe(true);
  });

  it("answers a command it does not know with a pointer to /help", async () => {
    await command("frobnicate");
    expect(last().message.text).toBe(t("unknownCommand"));
  });
});

describe("/disconnect", () => {
  it("says there is nothing to disconnect for a stranger", async () => {
    await command("disconnect");
    expect(last()).toEqual({ message: { text: t("notConnected") }, personal: true });
  });

  it("asks first, with a yes and a keep button", async () => {
    await connected("Recipes");
    await command("disconnect");
    expect(last().message.text).toBe(t("disconnectConfirm"));
    expect(buttonsOf(last()).map((b) => "data" in b && b.data)).toEqual(["disconnect:yes", "disconnect:no"]);
  });
});

describe("/forget", () => {
  it("asks first, privately, with a yes and a keep button", async () => {
    await connected("Recipes");
    await command("forget");
    expect(last()).toMatchObject({ message: { text: t("forgetConfirm") }, personal: true });
    expect(buttonsOf(last()).map((b) => "data" in b && b.data)).toEqual(["forget:yes", "forget:no"]);
  });

  it("forget:yes revokes the token at Notion first, then deletes the person with identities, connection, databases, jobs and usage", async () => {
    const me = await connected("Recipes");
    await send("https://www.tiktok.com/@chef/video/7300000000000000001");
    const [job] = await jobsOf();
    await repos.usage.record(me.userId, job!.id, { provider: "gemini", audioSeconds: 0, images: 0, inputTokens: 10, outputTokens: 5 });
    await press("forget:yes");
    expect(revocations).toEqual([{ userId: me.userId, stored: true }]);
    expect(last()).toEqual({ message: { text: t("forgotten") }, personal: true });
    const { users, identities, connections, schemas, jobs, usage } = repos.tables;
    expect([users.size, identities.size, connections.size, schemas.size, jobs.size, usage.length]).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it("forget:yes still deletes everything when Notion does not confirm the revocation, and says how to remove it there", async () => {
    await connected("Recipes");
    revokeConfirmed = false;
    await press("forget:yes");
    expect(last()).toEqual({ message: { text: t("forgottenNotRevoked") }, personal: true });
    expect(repos.tables.users.size).toBe(0);
  });

  it("forget:no keeps everything", async () => {
    const me = await connected("Recipes");
    await press("forget:no");
    expect(last()).toEqual({ message: { text: t("forgetKept") }, personal: true });
    expect(revocations).toEqual([]);
    expect(await repos.connections.loadAccessToken(me.userId)).toBe("ntn_test");
  });
});

describe("buttons", () => {
  it("disconnect:yes revokes the token at Notion, then forgets the token and the databases", async () => {
    const me = await connected("Recipes");
    await press("disconnect:yes");
    expect(revocations).toEqual([{ userId: me.userId, stored: true }]);
    expect(last()).toEqual({ message: { text: t("disconnected") }, personal: true });
    expect(await repos.connections.loadAccessToken(me.userId)).toBeUndefined();
    expect(await repos.schemas.list(me.userId)).toEqual([]);
  });

  it("disconnect:yes still forgets the connection when Notion does not confirm the revocation, and says how to remove it there", async () => {
    const me = await connected("Recipes");
    revokeConfirmed = false;
    await press("disconnect:yes");
    expect(last()).toEqual({ message: { text: t("disconnectedNotRevoked") }, personal: true });
    expect(await repos.connections.loadAccessToken(me.userId)).toBeUndefined();
  });

  it("disconnect:no keeps everything", async () => {
    const me = await connected("Recipes");
    await press("disconnect:no");
    expect(last()).toEqual({ message: { text: t("disconnectKept") }, personal: true });
    expect(await repos.connections.loadAccessToken(me.userId)).toBe("ntn_test");
  });

  it("tag:<id> makes that database the current one", async () => {
    await connected("Recipes", "Workouts");
    await press(`tag:${await schemaIdOf("Recipes")}`);
    expect(last().message.text).toBe(t("databaseChosen", { database: "Recipes" }));
    expect((await person()).activeSchemaId).toBe(await schemaIdOf("Recipes"));
  });

  it("a database button for a database no longer shared says so", async () => {
    await connected("Recipes");
    await press("use:00000000-0000-4000-8000-000000000000");
    expect(last().message.text).toBe(t("noDatabases"));
  });

  it("retry:<id> queues a failed job again and wakes the worker", async () => {
    await connected("Recipes");
    await send(video(1));
    const job = (await repos.jobs.claimNext("w", 60_000, 5))!;
    await repos.jobs.fail(job, "w", "server_error", { key: "error.transient" });
    woken = 0;
    await press(`retry:${job.id}`);
    expect(last().message.text).toBe(t("retrying"));
    expect((await repos.jobs.find(job.id))!.status).toBe("QUEUED");
    expect(woken).toBe(1);
  });

  it("retry:<id> of a job that has not failed, or is someone else's, is refused", async () => {
    await connected("Recipes");
    await send(video(1));
    const [job] = await jobsOf();
    await press(`retry:${job!.id}`);
    expect(last().message.text).toBe(t("cannotRetry"));
  });

  it("ignores button data the core never made, saying nothing", async () => {
    for (const data of ["tag:not-a-uuid", "disconnect:maybe", "launch:missiles", "retry", ""]) await press(data);
    expect(said).toEqual([]);
  });
});

describe("links and the states they wait in", () => {
  it("answers text without a link with the hint, and a foreign link with what it accepts", async () => {
    await send("hello");
    expect(last().message.text).toBe(t("hint"));
    await send("https://vimeo.com/12345");
    expect(last().message.text).toBe(t("unsupportedLink"));
    expect(await jobsOf()).toEqual([]);
  });

  it("keeps the Queued message's place when the database restarts just after it went out: one message, followed by the job", async () => {
    await connected("Recipes");
    const add = repos.jobs.addProgressMessage;
    let refusals = 2;
    repos.jobs.addProgressMessage = async (jobId, ref) => {
      if (refusals-- > 0) throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
      return add(jobId, ref);
    };
    await send(video(1));
    expect(said.map((s) => s.message.text)).toEqual([t("queued", { url: video(1) })]);
    const [job] = await jobsOf();
    expect(await repos.jobs.progressMessages(job!.id)).toEqual([{ platform: "TELEGRAM", chatId: ada.chatId, messageId: "1" }]);
  });

  it("shows the outcome on a Queued message whose job ended while the message was on its way", async () => {
    await connected("Recipes");
    // A worker elsewhere takes the job and fails it before "Queued" has reached the chat.
    const slowReply: Reply = async (message, options) => {
      const [job] = await jobsOf();
      const row = repos.tables.jobs.get(job!.id)!;
      Object.assign(row, { status: "FAILED", errorKind: "server_error", errorText: { key: "error.transient" } });
      return reply(message, options);
    };
    await core.handleText(ada, video(1), slowReply);
    expect(said.map((s) => s.message.text)).toEqual([t("queued", { url: video(1) })]);
    expect(edited).toHaveLength(1);
    expect(edited[0]!.messageId).toBe("1");
    expect(edited[0]!.message.text).toMatch(/^Couldn't save/);
    expect(edited[0]!.message.text).toContain(t("error.transient"));
  });

  it("shows the saved page on a Queued message whose job was done before the message had gone out", async () => {
    await connected("Recipes");
    const slowReply: Reply = async (message, options) => {
      const [job] = await jobsOf();
      const page = { pageId: "page-1", url: "https://www.notion.so/page-1" };
      const summarize = { title: "Tomato soup", summary: "Roast, blend, season.", keyPoints: [], properties: {} };
      Object.assign(repos.tables.jobs.get(job!.id)!, { status: "DONE", notionPageId: page.pageId, notionPageUrl: page.url, checkpoints: { publish: page, summarize } });
      return reply(message, options);
    };
    await core.handleText(ada, video(1), slowReply);
    expect(edited.map((e) => e.messageId)).toEqual(["1"]);
    expect(edited[0]!.message.text).toBe(t("saved", { database: "Recipes", title: "Tomato soup" }));
    expect(buttonsOf({ message: edited[0]!.message, personal: false })[0]).toMatchObject({ url: "https://www.notion.so/page-1" });
  });

  it("queues a link at once when there is one database, and wakes the worker", async () => {
    await connected("Recipes");
    await send(video(1));
    expect(said.map((s) => s.message.text)).toEqual([t("queued", { url: video(1) })]);
    const [job] = await jobsOf();
    expect(job).toMatchObject({ status: "QUEUED", schemaId: await schemaIdOf("Recipes") });
    expect(await repos.jobs.progressMessages(job!.id)).toEqual([{ platform: "TELEGRAM", chatId: ada.chatId, messageId: "1" }]);
    expect(woken).toBe(1);
  });

  it("keeps a link sent before connecting, with the connect link (WAITING_FOR_CONNECTION)", async () => {
    await send(video(1));
    expect(said[0]!.message.text).toBe(t("queued", { url: video(1) }));
    expect(last().message.text).toBe(`${t("notConnectedKept", { count: 1 })} ${t("connectFirst")}`);
    expect(buttonsOf(last())[0]).toMatchObject({ text: t("connectButton"), url: expect.stringContaining(`${PUBLIC_URL}/connect/`) });
    expect((await jobsOf()).map((j) => j.status)).toEqual(["WAITING_FOR_CONNECTION"]);
    expect(woken).toBe(0);
  });

  it("queues links for a database picked from each video when several exist and none is chosen or named", async () => {
    await connected("Recipes", "Workouts");
    await send(`${video(1)} ${video(2)}`);
    expect(said.map((s) => s.message.text)).toEqual([t("queued", { url: video(1) }), t("queued", { url: video(2) })]);
    const jobs = await jobsOf();
    expect(jobs.map((j) => [j.status, j.schemaId, (j.checkpoints as { pickDatabase?: boolean }).pickDatabase])).toEqual([
      ["QUEUED", null, true],
      ["QUEUED", null, true],
    ]);
    expect(woken).toBe(1);
  });

  it("moves a page whose database was picked to another on the press, and refuses a move of anything else", async () => {
    const me = await connected("Recipes", "Workouts");
    const workouts = await schemaIdOf("Workouts");
    const job = await repos.jobs.create({ userId: me.userId, identityId: me.identityId, sourceText: video(3), canonicalUrl: video(3), platform: "tiktok", schemaId: await schemaIdOf("Recipes"), status: "QUEUED" });
    Object.assign(repos.tables.jobs.get(job.id)!, {
      status: "DONE",
      notionPageId: "page-1",
      notionPageUrl: "https://notion.so/page-1",
      checkpoints: { transcribe: { text: "kept", segments: [], audioSeconds: 3 }, summarize: { title: "x" }, publish: { pageId: "page-1" }, notified: true, picked: { schemaId: "r", reason: "", others: [workouts] } },
    });
    await press(`move:${job.id}:0`);
    expect(last().message.text).toBe(t("moving", { database: "Workouts" }));
    const moved = repos.tables.jobs.get(job.id)!;
    expect(moved).toMatchObject({ status: "QUEUED", stage: "SUMMARIZE", schemaId: workouts, notionPageId: null });
    expect(moved.checkpoints).toEqual({ transcribe: { text: "kept", segments: [], audioSeconds: 3 }, replaces: "page-1" });
    expect(woken).toBe(1);
    await press(`move:${job.id}:0`);
    expect(last().message.text).toBe(t("cannotMove"));
    await press(`move:${job.id}:7`);
    expect(last().message.text).toBe(t("cannotMove"));
  });

  it("sends a message's links to the database its #tag names, whatever is current", async () => {
    const me = await connected("Recipes", "Workouts");
    await repos.people.chooseDatabase(me.userId, await schemaIdOf("Recipes"));
    await send(`${video(1)} #foodtok #workouts`);
    expect((await jobsOf())[0]).toMatchObject({ status: "QUEUED", schemaId: await schemaIdOf("Workouts") });
  });

  it("gives back the page already made for a link sent again", async () => {
    await connected("Recipes");
    await send(video(1));
    const job = (await repos.jobs.claimNext("w", 60_000, 5))!;
    await repos.jobs.recordPage(job, "w", "page-1", "https://notion.so/page-1");
    await repos.jobs.complete(job, "w");
    await send(video(1));
    expect(last().message).toEqual({ text: t("alreadySaved", { url: video(1) }), buttons: [[{ text: t("openInNotion"), url: "https://notion.so/page-1" }]] });
    expect(await jobsOf()).toHaveLength(1);
  });

  it("starts links kept before connecting once Notion is connected with one database", async () => {
    await send(video(1));
    const me = await connected("Recipes");
    said = [];
    await core.notifier.notifyConnected(me.identityId, { workspaceName: "Ada's Notion", databases: [{ title: "Recipes", tag: "recipes" }] });
    expect((await jobsOf()).map((j) => j.status)).toEqual(["QUEUED"]);
    expect((await person()).activeSchemaId).toBe(await schemaIdOf("Recipes"));
    expect(woken).toBe(1);
  });

  it("says it is still looking while Notion's search lags, and leaves links kept before connecting waiting", async () => {
    await send(video(1));
    const me = await connected();
    await core.notifier.notifyStillLooking(me.identityId, { workspaceName: "Ada's Notion" });
    expect(pushed).toEqual([{ text: t("connectedStillLooking", { workspace: "Ada's Notion" }) }]);
    expect(pushed[0]!.text).not.toBe(t("connectedNoDatabases", { workspace: "Ada's Notion" }));
    expect((await jobsOf()).map((j) => j.status)).toEqual(["WAITING_FOR_CONNECTION"]);
    expect(woken).toBe(0);
  });

  it("moves links kept before connecting on to waiting for a choice when several databases are shared", async () => {
    await send(video(1));
    const me = await connected("Recipes", "Workouts");
    await core.notifier.notifyConnected(me.identityId, { workspaceName: "Ada's Notion", databases: [] });
    expect((await jobsOf()).map((j) => j.status)).toEqual(["WAITING_FOR_SCHEMA"]);
    expect(woken).toBe(0);
  });
});

describe("the hourly link limit", () => {
  const HOUR = 3600_000;
  let clock: number;

  beforeEach(() => {
    clock = 1_000 * HOUR + 30 * 60_000;
    core = createChatCore({
      repos,
      state: new MemoryStateStore(),
      log: createLogger({ logLevel: "silent", logPretty: false }),
      publicUrl: PUBLIC_URL,
      linkOptions: {},
      maxLinksPerHour: 3,
      prices: loadConfig({}).prices,
      now: () => clock,
      wakeWorker: () => void (woken += 1),
      refreshDatabases: async (userId) => repos.schemas.list(userId),
      revokeNotion: async () => true,
    });
  });

  it("answers a message with many links once, saying how many were taken", async () => {
    await connected("Recipes");
    await send(Array.from({ length: 9 }, (_, i) => video(i + 1)).join("\n"));
    expect(said.map((s) => s.message.text)).toEqual([
      t("queued", { url: video(1) }),
      t("queued", { url: video(2) }),
      t("queued", { url: video(3) }),
      t("rateLimitedSome", { taken: 3, total: 9, refused: 6, count: 50 }),
    ]);
    expect(await jobsOf()).toHaveLength(3);
  });

  it("counts 'Try again' against the limit", async () => {
    await connected("Recipes");
    await send(`${video(1)} ${video(2)} ${video(3)}`);
    const job = (await repos.jobs.claimNext("w", 60_000, 5))!;
    await repos.jobs.fail(job, "w", "server_error", { key: "error.transient" });
    await press(`retry:${job.id}`);
    expect(last().message.text).toMatch(/a lot of links this hour/);
    expect((await repos.jobs.find(job.id))!.status).toBe("FAILED");
  });

  it("slides: a full hour just before a clock hour still counts just after it", async () => {
    await connected("Recipes");
    clock = 1_000 * HOUR - 60_000;
    await send(`${video(1)} ${video(2)} ${video(3)}`);
    clock = 1_000 * HOUR + 60_000;
    said = [];
    await send(video(4));
    expect(said.map((s) => s.message.text)).toEqual([t("rateLimited", { count: 19 })]);
    clock = 1_000 * HOUR + 59 * 60_000;
    said = [];
    await send(video(5));
    expect(said.map((s) => s.message.text)).toEqual([t("queued", { url: video(5) })]);
  });
});

describe("a bot without a Gemini key", () => {
  it("says with 'Queued' that the page will come without a summary, decided before any work", async () => {
    core = createChatCore({
      repos,
      state: new MemoryStateStore(),
      log: createLogger({ logLevel: "silent", logPretty: false }),
      publicUrl: PUBLIC_URL,
      linkOptions: {},
      maxLinksPerHour: 30,
      prices: loadConfig({}).prices,
      summaryOff: true,
      wakeWorker: () => void (woken += 1),
      refreshDatabases: async (userId) => repos.schemas.list(userId),
      revokeNotion: async () => true,
    });
    const me = await connected("Recipes");
    await repos.people.chooseDatabase(me.userId, await schemaIdOf("Recipes"));
    await send(video(1));
    expect(last().message.text).toBe(`${t("queued", { url: video(1) })}\n${t("summaryOff")}`);
    expect(await jobsOf()).toHaveLength(1);
  });
});

import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatEvent, ScriptedUser } from "../emulators/telegram/index.ts";
import { makeCaptionedClip } from "../fixtures/media.ts";
import { waitUntil } from "../harness/service.ts";
import { connectOverHttp, connectPerson, linkButton, startTelegramWorld, type TelegramWorld } from "./telegram-world.ts";

const MULTI_SOURCE = path.resolve(import.meta.dirname, "../fixtures/workspaces/multi-source.json");
const CLIPS = ["soup", "salad", "cake", "tea", "juice", "bread", "lemonade", "stew"] as const;

let w: TelegramWorld;
const url = (name: (typeof CLIPS)[number]) => w.world.videoHost.postUrl(name);

beforeAll(async () => {
  w = await startTelegramWorld({ workspaceFile: MULTI_SOURCE, transcript: "Mix everything, wait ten minutes and serve cold." });
  await Promise.all(
    CLIPS.map((name) => makeCaptionedClip(w.world.mediaDir, { name, seconds: 3, captions: [`Make ${name}`], post: { title: `How to make ${name}` } })),
  );
});
afterAll(async () => w?.stop());

/** The final state of the progress message `messageId`: saved, or the reason it failed. */
function outcomeOf(user: ScriptedUser, messageId: number | undefined): Promise<ChatEvent> {
  return user.waitForBot((e) => e.kind === "bot-edit" && e.messageId === messageId && /^(Saved to|Couldn't)/.test(e.text ?? ""), 60_000);
}

/** Bot messages after `seq` in the user's chat (messages, not edits), in order. */
function botMessagesAfter(user: ScriptedUser, seq: number): ChatEvent[] {
  return w.tg.events.filter((e) => e.seq > seq && e.chatId === user.id && e.kind === "bot-message");
}

async function jobsOf(user: ScriptedUser) {
  return w.service.db.prisma.job.findMany({
    where: { user: { identities: { some: { platform: "TELEGRAM", externalUserId: String(user.id) } } } },
    include: { schema: true },
    orderBy: { createdAt: "asc" },
  });
}

describe("links shared in a private Telegram chat", () => {
  it("answers a link that is neither TikTok nor Instagram, and makes no job", async () => {
    const bo = w.tg.user(701, { firstName: "Bo" });
    bo.sendText("https://www.youtube.com/watch?v=dQw4w9WgXcQ");
    expect((await bo.waitForBot()).text).toBe("I can only save TikTok and Instagram video links. That link is neither, so I left it.");
    expect(await jobsOf(bo)).toEqual([]);
  });

  it("answers a message without links with a hint, never silence", async () => {
    const bo = w.tg.user(702, { firstName: "Bo" });
    bo.sendText("hello there");
    expect((await bo.waitForBot()).text).toBe("Send me a TikTok or Instagram video link, or /help to see what I can do.");
  });

  it("keeps a link sent before connecting, sends the connect link, and starts it once the person links and chooses", async () => {
    const cy = w.tg.user(703, { firstName: "Cy" });
    const sent = cy.sendText(`save this please ${url("soup")}`);
    const queued = await cy.waitForBot();
    expect(queued.text).toBe(`Queued: ${url("soup")}`);
    const ask = await cy.waitForBot((e) => e.kind === "bot-message" && e.messageId !== queued.messageId);
    expect(ask.text).toBe("I kept your link. Connect your Notion first, and I will start as soon as you have. First, connect your Notion workspace. The link works once, for 15 minutes.");
    expect((await jobsOf(cy)).map((j) => j.status)).toEqual(["WAITING_FOR_CONNECTION"]);

    await connectOverHttp(linkButton(cy, "Connect Notion"));
    const connected = await w.tg.waitFor((e) => e.chatId === cy.id && e.seq > sent.seq && (e.text?.startsWith("Connected to") ?? false), 10_000);
    expect(connected.text).toBe(
      "Connected to Shared kitchen. Found 3 databases: 🍹 Drinks, Recipes, recipes!. Choose one with /tag.\nWhich database should this link go to?",
    );
    expect(connected.buttons?.flat().map((b) => b.text)).toEqual(["🍹 Drinks", "Recipes", "recipes!"]);
    expect((await jobsOf(cy)).map((j) => j.status)).toEqual(["WAITING_FOR_SCHEMA"]);

    cy.pressButton(connected.messageId!, "🍹 Drinks");
    expect((await cy.waitForBot()).text).toBe("New links go to 🍹 Drinks. Starting your link now.");
    expect((await outcomeOf(cy, queued.messageId)).text).toMatch(/^Saved to 🍹 Drinks: How to make soup/);
  });

  it("asks which database when several exist and none is chosen; the job waits, then runs on the press", async () => {
    const di = w.tg.user(704, { firstName: "Di" });
    await connectPerson(di);
    const sent = di.sendText(url("salad"));
    const queued = await di.waitForBot();
    expect(queued.text).toBe(`Queued: ${url("salad")}`);
    const ask = await di.waitForBot((e) => e.kind === "bot-message" && e.messageId !== queued.messageId);
    expect(ask.text).toBe("Which database should this link go to?");
    expect((await jobsOf(di)).map((j) => j.status)).toEqual(["WAITING_FOR_SCHEMA"]);
    expect(botMessagesAfter(di, sent.seq)).toHaveLength(2);

    di.pressButton(ask.messageId!, "Recipes");
    expect((await di.waitForBot()).text).toBe("New links go to Recipes. Starting your link now.");
    expect((await outcomeOf(di, queued.messageId)).text).toMatch(/^Saved to Recipes: How to make salad/);
    const job = await waitUntil(async () => (await jobsOf(di)).find((j) => j.status === "DONE"), 10_000, "the job to be done");
    expect(w.world.notion.pages.some((p) => p.id === job!.notionPageId)).toBe(true);
  });

  it("makes one job per link when a message carries two, each with its own progress message", async () => {
    const ed = w.tg.user(705, { firstName: "Ed" });
    await connectPerson(ed);
    ed.sendText("/tag");
    ed.pressButton(await ed.waitForBot().then((e) => e.messageId!), "recipes!");
    expect((await ed.waitForBot()).text).toBe("New links go to recipes!.");

    const sent = ed.sendText(`two for you: ${url("cake")} and also ${url("bread")}`);
    await w.tg.waitFor((e) => e.chatId === ed.id && e.seq > sent.seq && e.text === `Queued: ${url("bread")}`);
    const [first, second] = botMessagesAfter(ed, sent.seq);
    expect([first!.text, second!.text]).toEqual([`Queued: ${url("cake")}`, `Queued: ${url("bread")}`]);
    const outcomes = await Promise.all([outcomeOf(ed, first!.messageId), outcomeOf(ed, second!.messageId)]);
    expect(outcomes.map((o) => o.text?.split("\n")[0])).toEqual(["Saved to recipes!: How to make cake", "Saved to recipes!: How to make bread"]);
    await waitUntil(async () => (await jobsOf(ed)).every((j) => j.status === "DONE"), 10_000, "both jobs to be done");
  });

  it("sends the links of a message with #<database> there, without changing the current database", async () => {
    const fa = w.tg.user(706, { firstName: "Fa" });
    await connectPerson(fa);
    fa.sendText("/tag Recipes");
    expect((await fa.waitForBot()).text).toBe("New links go to Recipes.");

    fa.sendText(`${url("tea")} #foodtok #drinks`);
    const queued = await fa.waitForBot();
    expect((await outcomeOf(fa, queued.messageId)).text).toMatch(/^Saved to 🍹 Drinks: How to make tea/);
    const identity = await w.service.db.prisma.chatIdentity.findFirstOrThrow({ where: { externalUserId: String(fa.id) }, include: { user: { include: { activeSchema: true } } } });
    expect(identity.user.activeSchema?.title).toBe("Recipes");
  });

  it("takes links from video captions and forwarded posts like any text", async () => {
    const gu = w.tg.user(707, { firstName: "Gu" });
    await connectPerson(gu);
    gu.sendText("/tag drinks");
    await gu.waitForBot();

    gu.sendCaption(`found this ${url("juice")}`);
    const fromCaption = await gu.waitForBot();
    expect(fromCaption.text).toBe(`Queued: ${url("juice")}`);
    gu.forward(`Channel post: ${url("lemonade")}`, { fromChat: { id: -1001234, title: "Food channel", username: "foodchan" } });
    const fromForward = await gu.waitForBot();
    expect(fromForward.text).toBe(`Queued: ${url("lemonade")}`);
    const outcomes = await Promise.all([outcomeOf(gu, fromCaption.messageId), outcomeOf(gu, fromForward.messageId)]);
    expect(outcomes.every((o) => o.text?.startsWith("Saved to 🍹 Drinks"))).toBe(true);
  });

  it("says why a private or unavailable video could not be saved, and makes no page", async () => {
    const ha = w.tg.user(708, { firstName: "Ha" });
    await connectPerson(ha);
    ha.sendText("/tag Recipes");
    await ha.waitForBot();
    const pagesBefore = w.world.notion.pages.length;

    const privateVideo = w.world.videoHost.statusUrl(403);
    ha.sendText(privateVideo);
    const queued = await ha.waitForBot();
    expect(queued.text).toBe(`Queued: ${privateVideo}`);
    const failed = await outcomeOf(ha, queued.messageId);
    expect(failed.text).toMatch(/^Couldn't save this video\. \S/);
    expect(failed.text).toContain(privateVideo);
    expect((await jobsOf(ha)).map((j) => j.status)).toEqual(["FAILED"]);
    expect(w.world.notion.pages.length).toBe(pagesBefore);
  });

  it("still ends with the saved message when Telegram answers progress edits with 429", async () => {
    const io = w.tg.user(709, { firstName: "Io" });
    await connectPerson(io);
    io.sendText("/tag Recipes");
    await io.waitForBot();

    w.tg.rateLimit("editMessageText", { times: 2, retryAfterSeconds: 1 });
    io.sendText(url("stew"));
    const queued = await io.waitForBot();
    const saved = await outcomeOf(io, queued.messageId);
    expect(saved.text).toMatch(/^Saved to Recipes: How to make stew/);
    expect(saved.buttons?.flat().find((b) => b.text === "Open in Notion")?.url).toMatch(/^https:\/\//);
    const refused = w.tg.requests.filter((r) => r.path.endsWith("/editMessageText") && r.fault === "429");
    expect(refused).toHaveLength(2);
  });
});

describe("group chats", () => {
  it("answers once per group, pointing to a private chat, then stays silent", async () => {
    const jo = w.tg.user(710, { firstName: "Jo" });
    const ka = w.tg.user(711, { firstName: "Ka" });
    jo.sendInGroup(`/start@reelnotes_test_bot`, -4001);
    expect((await jo.waitForBot()).text).toBe("I only work in a private chat. Open a direct message with me and send your links there.");
    ka.sendInGroup(url("soup"), -4001);
    jo.sendInGroup("/help", -4001);
    const other = jo.sendInGroup("hello", -4002, { title: "Another group" });
    expect((await jo.waitForBot()).chatId).toBe(-4002);

    // Every group message up to the one in the other group has been handled by now (per chat, in order).
    await w.tg.waitFor((e) => e.seq > other.seq && e.kind === "bot-message");
    const inFirstGroup = w.tg.transcript(-4001).filter((m) => m.from === "bot");
    expect(inFirstGroup).toHaveLength(1);
    const people = await w.service.db.prisma.chatIdentity.count({ where: { externalUserId: { in: ["710", "711"] } } });
    expect(people).toBe(0);
  });
});

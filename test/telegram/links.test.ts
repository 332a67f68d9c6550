import { describe, expect, it } from "vitest";
import { waitUntil } from "../harness/service.ts";
import { botMessagesAfter, connectPerson, jobsOf, outcomeOf, useRecipeClips } from "./telegram-world.ts";

const clips = useRecipeClips(["cake", "bread", "tea"] as const);
const url = clips.url;

describe("links shared in a private Telegram chat", () => {
  it("answers a link that is neither TikTok nor Instagram, and makes no job", async () => {
    const bo = clips.w().tg.user(701, { firstName: "Bo" });
    bo.sendText("https://www.youtube.com/watch?v=dQw4w9WgXcQ");
    expect((await bo.waitForBot()).text).toBe("I can only save TikTok and Instagram video links. That link is neither, so I left it.");
    expect(await jobsOf(clips.w(), bo)).toEqual([]);
  });

  it("answers a message without links with a hint, never silence", async () => {
    const bo = clips.w().tg.user(702, { firstName: "Bo" });
    bo.sendText("hello there");
    expect((await bo.waitForBot()).text).toBe("Send me a TikTok or Instagram video link, or /help to see what I can do.");
  });

  it("makes one job per link when a message carries two, each with its own progress message", async () => {
    const ed = clips.w().tg.user(705, { firstName: "Ed" });
    await connectPerson(ed);
    ed.sendText("/tag");
    ed.pressButton(await ed.waitForBot().then((e) => e.messageId!), "recipes!");
    expect((await ed.waitForBot()).text).toBe("New links go to recipes!.");

    const sent = ed.sendText(`two for you: ${url("cake")} and also ${url("bread")}`);
    await clips.w().tg.waitFor((e) => e.chatId === ed.id && e.seq > sent.seq && e.text === `Queued: ${url("bread")}`);
    const [first, second] = botMessagesAfter(clips.w(), ed, sent.seq);
    expect([first!.text, second!.text]).toEqual([`Queued: ${url("cake")}`, `Queued: ${url("bread")}`]);
    const outcomes = await Promise.all([outcomeOf(ed, first!.messageId), outcomeOf(ed, second!.messageId)]);
    expect(outcomes.map((o) => o.text?.split("\n")[0])).toEqual(["Saved to recipes!: How to make cake", "Saved to recipes!: How to make bread"]);
    await waitUntil(async () => (await jobsOf(clips.w(), ed)).every((j) => j.status === "DONE"), 10_000, "both jobs to be done");
  });

  it("sends the links of a message with #<database> there, without changing the current database", async () => {
    const fa = clips.w().tg.user(706, { firstName: "Fa" });
    await connectPerson(fa);
    fa.sendText("/tag Recipes");
    expect((await fa.waitForBot()).text).toBe("New links go to Recipes.");

    fa.sendText(`${url("tea")} #foodtok #drinks`);
    const queued = await fa.waitForBot();
    expect((await outcomeOf(fa, queued.messageId)).text).toMatch(/^Saved to 🍹 Drinks: How to make tea/);
    const identity = await clips.w().service.db.prisma.chatIdentity.findFirstOrThrow({ where: { externalUserId: String(fa.id) }, include: { user: { include: { activeSchema: true } } } });
    expect(identity.user.activeSchema?.title).toBe("Recipes");
  });

  it("takes links from video captions and forwarded posts like any text", async () => {
    const gu = clips.w().tg.user(707, { firstName: "Gu" });
    await connectPerson(gu);
    gu.sendText("/tag drinks");
    await gu.waitForBot();

    // Intake only: these posts do not exist, so their jobs end quickly; the pipeline is tested elsewhere.
    const inCaption = `${clips.w().world.videoHost.url}/@gu/video/7100000000000000001`;
    const inForward = `${clips.w().world.videoHost.url}/@gu/video/7100000000000000002`;
    // New messages only: the first job's progress edits may land in between.
    const reply = () => gu.waitForBot((e) => e.kind === "bot-message");
    gu.sendCaption(`found this ${inCaption}`);
    expect((await reply()).text).toBe(`Queued: ${inCaption}`);
    gu.forward(`Channel post: ${inForward}`, { fromChat: { id: -1001234, title: "Food channel", username: "foodchan" } });
    expect((await reply()).text).toBe(`Queued: ${inForward}`);
    const jobs = await jobsOf(clips.w(), gu);
    expect(jobs.map((j) => [j.canonicalUrl, j.schema?.title])).toEqual([
      [inCaption, "🍹 Drinks"],
      [inForward, "🍹 Drinks"],
    ]);
  });
});

describe("group chats", () => {
  it("answers once per group, pointing to a private chat, then stays silent", async () => {
    const jo = clips.w().tg.user(710, { firstName: "Jo" });
    const ka = clips.w().tg.user(711, { firstName: "Ka" });
    jo.sendInGroup(`/start@reelnotes_test_bot`, -4001);
    expect((await jo.waitForBot()).text).toBe("I only work in a private chat. Open a direct message with me and send your links there.");
    ka.sendInGroup(url("cake"), -4001);
    jo.sendInGroup("/help", -4001);
    const other = jo.sendInGroup("hello", -4002, { title: "Another group" });
    expect((await jo.waitForBot()).chatId).toBe(-4002);

    // Every group message up to the one in the other group has been handled by now (per chat, in order).
    await clips.w().tg.waitFor((e) => e.seq > other.seq && e.kind === "bot-message");
    const inFirstGroup = clips.w().tg.transcript(-4001).filter((m) => m.from === "bot");
    expect(inFirstGroup).toHaveLength(1);
    const people = await clips.w().service.db.prisma.chatIdentity.count({ where: { externalUserId: { in: ["710", "711"] } } });
    expect(people).toBe(0);
  });
});

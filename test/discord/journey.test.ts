import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCaptionedClip } from "../fixtures/media.ts";
import { waitUntil } from "../harness/service.ts";
import { botMessage, consentInBrowser, linkButtonUrl, outcomeOf, startDiscordWorld, type DiscordWorld } from "./discord-world.ts";

const MULTI_SOURCE_WORKSPACE = new URL("../fixtures/workspaces/multi-source.json", import.meta.url).pathname;

let w: DiscordWorld;

beforeAll(async () => {
  w = await startDiscordWorld({ workspaceFile: MULTI_SOURCE_WORKSPACE, transcript: "A frozen margarita: lime, tequila and ice, blended for thirty seconds." });
  await makeCaptionedClip(w.world.mediaDir, {
    name: "margarita",
    seconds: 4,
    captions: ["Frozen margarita", "Blend 30 seconds"],
    speech: "A frozen margarita.",
    post: { title: "Frozen margarita at home", caption: "Summer drinks #cocktail", uploader: "barkeep" },
  });
}, 60_000);
afterAll(async () => w?.stop());

describe("the Discord journey, end to end on the emulators", () => {
  it("registers /connect, /tag (with autocomplete), /status, /usage, /help, /disconnect and /forget for DMs at boot", () => {
    expect(w.discord.commands.map((c) => c.name)).toEqual(["connect", "tag", "status", "usage", "language", "help", "disconnect", "forget"]);
    expect(w.discord.commands.every((c) => c.contexts?.includes(1))).toBe(true);
    expect(w.discord.commands.find((c) => c.name === "tag")!.options).toMatchObject([{ name: "name", type: 3, autocomplete: true }]);
  });

  it("goes from /connect through Notion consent, /tag with autocomplete and a shared link to a saved page with its link", async () => {
    const ada = w.discord.user("2001", { username: "ada" });

    const connect = ada.runCommand("connect");
    const invitation = await botMessage(ada, (e) => e.kind === "response");
    expect(connect.response?.type).toBe(5);
    expect(invitation).toMatchObject({ ephemeral: true });
    expect(invitation.text).toContain("I turn TikTok and Instagram videos into Notion pages");
    const link = linkButtonUrl(invitation, "Connect Notion");
    expect(link).toMatch(/\/connect\/[A-Za-z0-9_-]{43}$/);

    await consentInBrowser(link);
    const connected = await botMessage(ada, (e) => e.text.startsWith("Connected to"));
    expect(connected).toMatchObject({ kind: "message", text: "Connected to Shared kitchen. Found 3 databases: 🍹 Drinks, Recipes, and recipes!. Choose one with /tag." });

    expect((await ada.autocomplete("tag", "name", "rec")).map((c) => c.name)).toEqual(["Recipes", "recipes!"]);
    const [drinks] = await ada.autocomplete("tag", "name", "DRIN");
    expect(drinks?.name).toBe("🍹 Drinks");
    const tag = ada.runCommand("tag", { name: drinks!.value });
    const chosen = await botMessage(ada, (e) => e.kind === "response" && e.text.startsWith("New links go to"));
    expect(chosen.text).toBe("New links go to 🍹 Drinks.");
    expect(tag.refused).toEqual([]);

    const video = w.world.videoHost.postUrl("margarita");
    ada.sendDm(`for the summer ${video}`);
    const queued = await botMessage(ada, (e) => e.kind === "message" && e.text.startsWith("Queued"));
    expect(queued.text).toBe(`Queued: ${video}`);
    const saved = await outcomeOf(ada, queued.messageId);
    expect(saved.text).toMatch(/^Saved to 🍹 Drinks: /);
    expect(saved.edits.some((text) => /^(Downloading|Preparing|Transcribing|Reading|Summarising|Saving)/.test(text))).toBe(true);

    // The final edit is the NOTIFY stage; the job row says DONE just after it.
    const job = await waitUntil(() => w.service.db.prisma.job.findFirst({ where: { canonicalUrl: video, status: "DONE" } }), 10_000, "the job to be DONE");
    const page = w.world.notion.pages.find((p) => p.id === job.notionPageId);
    expect(page).toBeDefined();
    expect(saved.embeds).toMatchObject([{ url: job.notionPageUrl, footer: { text: "🍹 Drinks" } }]);
    expect(saved.embeds![0]!.title!.length).toBeGreaterThan(0);
    expect(saved.embeds![0]!.description!.length).toBeGreaterThan(0);
    expect(saved.buttons).toEqual([[{ label: "Open in Notion", url: job.notionPageUrl }]]);
  });

  it("answers /help for everyone to see and /status privately, with the saved video", async () => {
    const ada = w.discord.user("2001");
    ada.runCommand("help");
    const help = await botMessage(ada, (e) => e.kind === "response" && e.text.startsWith("Send me a TikTok"));
    expect(help.ephemeral).toBeUndefined();
    ada.runCommand("status");
    const status = await botMessage(ada, (e) => e.kind === "response" && e.text.startsWith("Your last videos:"));
    expect(status.ephemeral).toBe(true);
    expect(status.text).toContain(w.world.videoHost.postUrl("margarita"));
  });

  it("turns /tag without a name into buttons, and a press into the answer in place of the question", async () => {
    const ada = w.discord.user("2001");
    ada.runCommand("tag");
    const question = await botMessage(ada, (e) => e.text === "Which database should new links go to?");
    expect(question.buttons?.flat().map((b) => b.label)).toEqual(["✓ 🍹 Drinks", "Recipes", "recipes!"]);
    const press = ada.pressButton(question.messageId, "Recipes");
    const answered = await botMessage(ada, (e) => e.messageId === question.messageId && e.text !== question.text);
    expect(press.response?.type).toBe(6);
    expect(answered).toMatchObject({ text: "New links go to Recipes." });
    expect(answered.buttons).toBeUndefined();
  });

  it("asks before /disconnect, privately, and keeps the connection on Keep it", async () => {
    const ada = w.discord.user("2001");
    ada.runCommand("disconnect");
    const confirm = await botMessage(ada, (e) => e.text.startsWith("Remove your Notion connection?"));
    expect(confirm.ephemeral).toBe(true);
    ada.pressButton(confirm.messageId, "Keep it");
    await botMessage(ada, (e) => e.messageId === confirm.messageId && e.text === "OK, nothing changed.");
    const person = await w.service.db.prisma.chatIdentity.findFirstOrThrow({ where: { platform: "DISCORD", externalUserId: "2001" } });
    expect(await w.service.db.prisma.notionConnection.findUnique({ where: { userId: person.userId } })).not.toBeNull();
  });

  it("keeps a link sent before connecting, and starts it from the Connected DM's database buttons", async () => {
    const grace = w.discord.user("2002", { username: "grace" });
    const video = w.world.videoHost.postUrl("margarita");
    grace.sendDm(video);
    const queued = await botMessage(grace, (e) => e.text === `Queued: ${video}`);
    const kept = await botMessage(grace, (e) => e.text.startsWith("I kept your link"));

    await consentInBrowser(linkButtonUrl(kept, "Connect Notion"));
    const connected = await botMessage(grace, (e) => e.text.startsWith("Connected to"));
    expect(connected.text).toMatch(/Which database should this link go to\?$/);
    grace.pressButton(connected.messageId, "🍹 Drinks");
    await botMessage(grace, (e) => e.messageId === connected.messageId && e.text === "New links go to 🍹 Drinks. Starting your link now.");

    const saved = await outcomeOf(grace, queued.messageId);
    expect(saved.text).toMatch(/^Saved to 🍹 Drinks: /);
  });
});

import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { english, translator } from "../../src/i18n/index.ts";
import type { ScriptedUser } from "../emulators/discord/index.ts";
import { makeCaptionedClip } from "../fixtures/media.ts";
import { waitUntil } from "../harness/service.ts";
import { botMessage, connectOverDiscord, outcomeOf, startDiscordWorld, type DiscordWorld } from "./discord-world.ts";

/** A video attached to a DM with the Discord bot, not shared as a link. */

let w: DiscordWorld;
let clip: Buffer;
let ada: ScriptedUser;

beforeAll(async () => {
  w = await startDiscordWorld({ transcript: "Today we make garlic noodles. Boil the noodles, fry the garlic, toss and serve." });
  const made = await makeCaptionedClip(w.world.mediaDir, { name: "sent", seconds: 4, captions: ["Garlic noodles"], speech: "Today we make garlic noodles." });
  clip = await readFile(made.path!);
  ada = w.discord.user("2301", { username: "ada" });
  await connectOverDiscord(w, ada);
}, 60_000);
afterAll(async () => w?.stop());

describe("a video sent to the Discord bot as an attachment", () => {
  it("becomes a page that says it was sent as a file, with no URL property filled and the pictures uploaded", async () => {
    ada.sendDm("dinner idea", [{ data: clip, filename: "noodles.mp4" }]);
    const queued = await botMessage(ada, (e) => e.kind === "message" && e.text.startsWith("Queued"));
    expect(queued.text).toBe(english("queuedFile"));
    const saved = await outcomeOf(ada, queued.messageId);
    expect(saved.text).toMatch(/^Saved to /);
    // Progress names the file, never its de-duplication key.
    expect(saved.edits.some((text) => /^(Downloading|Preparing|Transcribing|Reading|Summarising|Saving)…\nYour file noodles\.mp4$/.test(text))).toBe(true);
    expect(saved.edits.join("\n")).not.toContain("discord-file:");

    const job = await waitUntil(() => w.service.db.prisma.job.findFirst({ where: { platform: "file", status: "DONE" } }), 30_000, "the job to be DONE");
    expect(job.canonicalUrl).toMatch(/^discord-file:[0-9a-f]{64}$/);
    const page = w.world.notion.pages.find((p) => p.id === job.notionPageId)!;
    const blocks = w.world.notion.blocksOf(page.id);
    expect(blocks.map((b) => b.plainText)).toContain("Sent to reelnotes as a file: noodles.mp4");
    expect(blocks.some((b) => b.type === "bookmark")).toBe(false);
    const urlValues = Object.values(page.properties).filter((v) => typeof v === "string" && /^[a-z-]+:/.test(v));
    expect(urlValues.every((v) => /^https?:\/\//.test(v as string))).toBe(true);
    expect(JSON.stringify(page.properties)).not.toContain("discord-file:");
    const images = blocks.filter((b) => b.type === "image");
    expect(images.length).toBeGreaterThan(0);
    expect(page.cover).toEqual({ type: "file_upload", file_upload: { id: (images[0]!.content.file_upload as { id: string }).id } });
    // Once to hash it when it came in, once by the worker (from the message read again).
    expect([...w.discord.attachmentDownloads.values()]).toEqual([2]);
  });

  it("answers the same video attached again with the page already made", async () => {
    const pages = w.world.notion.pages.length;
    ada.sendDm("", [{ data: clip, filename: "copy.mp4" }]);
    const answer = await botMessage(ada, (e) => e.kind === "message" && e.text.startsWith("Already saved"));
    expect(answer.text).toBe(english("alreadySavedFile"));
    expect(answer.buttons?.flat()[0]?.url).toMatch(/^https:\/\/www\.notion\.so\//);
    expect(w.world.notion.pages.length).toBe(pages);
  });

  it("lists the sent file by its name in /status, not by a key", async () => {
    ada.runCommand("status");
    const status = await botMessage(ada, (e) => e.kind === "response" && e.text.startsWith("Your last videos:"));
    expect(status.text).toContain("• Your file noodles.mp4\n   Saved to ");
    expect(status.text).not.toContain("discord-file:");
  });

  it("fetches the video with a fresh URL when the one it came with has expired", async () => {
    const other = await makeCaptionedClip(w.world.mediaDir, { name: "later", seconds: 3, captions: ["Later"] });
    const data = await readFile(other.path!);
    const sentMessage = ada.sendDm("", [{ data, filename: "later.mp4" }]).messageId;
    // The worker reads the message again for the attachment; the URLs of the day it was sent expire first.
    const reread = w.discord.http.hold((req) => req.method === "GET" && req.path.endsWith(`/messages/${sentMessage}`));
    const queued = await botMessage(ada, (e) => e.kind === "message" && e.text === english("queuedFile"));
    await reread.arrived;
    w.discord.expireAttachmentUrls();
    reread.release();
    expect((await outcomeOf(ada, queued.messageId)).text).toMatch(/^Saved to /);
  });

  it("tells the person when they deleted the message with the video before it was fetched", async () => {
    const other = await makeCaptionedClip(w.world.mediaDir, { name: "deleted", seconds: 3, captions: ["Gone"] });
    const sentMessage = ada.sendDm("", [{ data: await readFile(other.path!), filename: "gone.mp4" }]).messageId;
    const reread = w.discord.http.hold((req) => req.method === "GET" && req.path.endsWith(`/messages/${sentMessage}`));
    const queued = await botMessage(ada, (e) => e.kind === "message" && e.text === english("queuedFile"));
    await reread.arrived;
    ada.deleteDm(sentMessage);
    reread.release();
    const outcome = await outcomeOf(ada, queued.messageId);
    expect(outcome.text).toBe(english("failed", { reason: english("error.sentFileGone"), url: english("sentFileLabel.named", { name: "gone.mp4" }) }));
  });

  it("says a 21 MB attachment is over the 20 MB it takes, in the person's language, queuing nothing", async () => {
    const sofia = w.discord.user("2302", { username: "sofia", locale: "es-ES" });
    // Discord tells the client's language with interactions only: /help lets the bot learn it.
    sofia.runCommand("help");
    await botMessage(sofia, (e) => e.kind === "response");
    const jobs = await w.service.db.prisma.job.count();
    const downloads = w.discord.attachmentDownloads.size;
    sofia.sendDm("", [{ data: Buffer.alloc(21 * 1024 * 1024, 1), filename: "long.mp4" }]);
    const answer = await botMessage(sofia, (e) => e.kind === "message" && e.text.includes("20 MB"));
    expect(answer.text).toBe(translator("es")("fileOverOurLimit", { mb: 20 }));
    expect(w.discord.attachmentDownloads.size).toBe(downloads);
    expect(await w.service.db.prisma.job.count()).toBe(jobs);
  });
});

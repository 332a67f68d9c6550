import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCaptionedClip } from "../fixtures/media.ts";
import type { ScriptedUser } from "../emulators/telegram/index.ts";
import { waitUntil } from "../harness/service.ts";
import { connectPerson, startTelegramWorld, type TelegramWorld } from "./telegram-world.ts";

/** A video sent to the bot as a file, not as a link. */

let w: TelegramWorld;
let clip: Buffer;
let ada: ScriptedUser;

beforeAll(async () => {
  w = await startTelegramWorld({ transcript: "Today we make garlic noodles. Boil the noodles, fry the garlic, toss and serve." });
  const made = await makeCaptionedClip(w.world.mediaDir, { name: "sent", seconds: 4, captions: ["Garlic noodles"], speech: "Today we make garlic noodles." });
  clip = await readFile(made.path!);
  ada = w.tg.user(611, { firstName: "Ada" });
  await connectPerson(ada);
});
afterAll(async () => w?.stop());

const finalWord = (user: ScriptedUser, messageId: number) =>
  user.waitForBot((e) => e.kind === "bot-edit" && e.messageId === messageId && /^(Saved|Couldn't)/.test(e.text ?? ""), 120_000);

describe("a video sent to the Telegram bot as a file", () => {
  it("becomes a page that says it was sent as a file, with no URL property filled and the pictures uploaded", async () => {
    ada.sendVideoFile(clip, { kind: "document", fileName: "noodles.mp4", caption: "dinner idea" });
    const queued = await ada.waitForBot();
    expect(queued.text).toBe("Queued: the video you sent.");
    const saved = await finalWord(ada, queued.messageId!);
    expect(saved.text).toMatch(/^Saved to /);

    const page = w.world.notion.pages.at(-1)!;
    const blocks = w.world.notion.blocksOf(page.id);
    expect(blocks.map((b) => b.plainText)).toContain("Sent to reelnotes as a file: noodles.mp4");
    expect(blocks.some((b) => b.type === "bookmark")).toBe(false);
    const urlValues = Object.values(page.properties).filter((v) => typeof v === "string" && /^[a-z-]+:/.test(v));
    expect(urlValues.every((v) => /^https?:\/\//.test(v as string))).toBe(true);
    expect(JSON.stringify(page.properties)).not.toContain("telegram-file:");
    const images = blocks.filter((b) => b.type === "image");
    expect(images.length).toBeGreaterThan(0);
    expect(page.cover).toEqual({ type: "file_upload", file_upload: { id: (images[0]!.content.file_upload as { id: string }).id } });
    expect([...w.tg.fileDownloads.values()]).toEqual([1]);
    // The chat hears "Saved" a moment before the job row is marked done.
    const jobId = blocks[0]!.plainText.split("job ")[1]!;
    await waitUntil(async () => (await w.service.repos.jobs.find(jobId))?.status === "DONE", 30_000, "the job to be marked done");
  });

  it("answers the same file sent again (as a video this time) with the page already made", async () => {
    const pages = w.world.notion.pages.length;
    ada.sendVideoFile(clip, { kind: "video" });
    const answer = await ada.waitForBot();
    expect(answer.text).toBe("Already saved: I have saved this video before.");
    expect(answer.buttons?.flat()[0]?.url).toMatch(/^https:\/\/www\.notion\.so\//);
    expect(w.world.notion.pages.length).toBe(pages);
  });

  it("says a 21 MB file is over Telegram's 20 MB limit and suggests a link, queuing nothing", async () => {
    const pages = w.world.notion.pages.length;
    ada.sendVideoFile(Buffer.alloc(21 * 1024 * 1024, 1), { kind: "video_note" });
    const answer = await ada.waitForBot();
    expect(answer.text).toBe(
      "That file is over 20 MB, the most a bot may download from Telegram. Send me a TikTok or Instagram link to it instead.",
    );
    expect(w.tg.calls("getFile")).toHaveLength(1);
    expect(w.world.notion.pages.length).toBe(pages);
  });
});

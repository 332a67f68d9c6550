import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCaptionedClip } from "../fixtures/media.ts";
import { connectPerson, jobsOf, outcomeOf, startTelegramWorld, type TelegramWorld } from "./telegram-world.ts";

const MULTI_SOURCE = path.resolve(import.meta.dirname, "../fixtures/workspaces/multi-source.json");
const CLIPS = ["stew"] as const;

let w: TelegramWorld;
const url = (name: (typeof CLIPS)[number]) => w.world.videoHost.postUrl(name);

beforeAll(async () => {
  w = await startTelegramWorld({ workspaceFile: MULTI_SOURCE, transcript: "Mix everything, wait ten minutes and serve cold." });
  await Promise.all(
    CLIPS.map((name) => makeCaptionedClip(w.world.mediaDir, { name, seconds: 3, captions: [`Make ${name}`], post: { title: `How to make ${name}` } })),
  );
});
afterAll(async () => w?.stop());

describe("when things go wrong", () => {
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
    expect((await jobsOf(w, ha)).map((j) => j.status)).toEqual(["FAILED"]);
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

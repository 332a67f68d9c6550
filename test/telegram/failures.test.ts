import { describe, expect, it } from "vitest";
import { waitUntil } from "../harness/service.ts";
import { connectPerson, jobsOf, outcomeOf, useRecipeClips } from "./telegram-world.ts";

const clips = useRecipeClips(["stew", "flan"] as const);
const url = clips.url;

describe("when things go wrong", () => {
  it("says why a private or unavailable video could not be saved, and makes no page", async () => {
    const ha = clips.w().tg.user(708, { firstName: "Ha" });
    await connectPerson(ha);
    ha.sendText("/tag Recipes");
    await ha.waitForBot();
    const pagesBefore = clips.w().world.notion.pages.length;

    const privateVideo = clips.w().world.videoHost.statusUrl(403);
    ha.sendText(privateVideo);
    const queued = await ha.waitForBot();
    expect(queued.text).toBe(`Queued: ${privateVideo}`);
    const failed = await outcomeOf(ha, queued.messageId);
    expect(failed.text).toMatch(/^Couldn't save this video\. \S/);
    expect(failed.text).toContain(privateVideo);
    // The person is told first, then the job is recorded FAILED (a crash in between loses no sentence).
    const jobs = await waitUntil(async () => {
      const all = await jobsOf(clips.w(), ha);
      return all.every((j) => j.status === "FAILED") ? all : undefined;
    }, 60_000, "the job recorded FAILED");
    expect(jobs.map((j) => j.status)).toEqual(["FAILED"]);
    expect(clips.w().world.notion.pages.length).toBe(pagesBefore);
  });

  it("still ends with the saved message when Telegram answers progress edits with 429", async () => {
    const io = clips.w().tg.user(709, { firstName: "Io" });
    await connectPerson(io);
    io.sendText("/tag Recipes");
    await io.waitForBot();

    clips.w().tg.rateLimit("editMessageText", { times: 2, retryAfterSeconds: 1 });
    io.sendText(url("stew"));
    const queued = await io.waitForBot();
    const saved = await outcomeOf(io, queued.messageId);
    expect(saved.text).toMatch(/^Saved to Recipes: How to make stew/);
    expect(saved.buttons?.flat().find((b) => b.text === "Open in Notion")?.url).toMatch(/^https:\/\//);
    const refused = clips.w().tg.requests.filter((r) => r.path.endsWith("/editMessageText") && r.fault === "429");
    expect(refused).toHaveLength(2);
  });

  it("stops writing to a person who blocked the bot mid-job; the job still finishes and the page exists", async () => {
    const lu = clips.w().tg.user(710, { firstName: "Lu" });
    await connectPerson(lu);
    lu.sendText("/tag Recipes");
    await lu.waitForBot();
    const pagesBefore = clips.w().world.notion.pages.length;

    lu.sendText(url("flan"));
    await lu.waitForBot();
    lu.block();
    const toLu = () => clips.w().tg.requests.filter((r) => String((r.body as { chat_id?: unknown } | undefined)?.chat_id) === String(lu.id));

    const [job] = await waitUntil(async () => {
      const jobs = await jobsOf(clips.w(), lu);
      return jobs.every((j) => ["DONE", "FAILED"].includes(j.status)) && jobs.length > 0 ? jobs : undefined;
    }, 60_000, "Lu's job to finish");
    expect(job!.status).toBe("DONE");
    expect(clips.w().world.notion.pages.length).toBe(pagesBefore + 1);
    // One refusal taught the bot; nothing more was sent after it, the final "Saved" included.
    const refusals = toLu().filter((r) => r.status === 403);
    expect(refusals).toHaveLength(1);
    expect(toLu().filter((r) => r.at > refusals[0]!.at)).toEqual([]);
  });
});

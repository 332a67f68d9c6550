import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ScriptedUser } from "../emulators/discord/index.ts";
import { expectCarouselPage, shareableCarousel } from "../harness/carousel.ts";
import { waitUntil } from "../harness/service.ts";
import { botMessage, connectOverDiscord, outcomeOf, startDiscordWorld, type DiscordWorld } from "./discord-world.ts";

/** A whole Instagram carousel shared on Discord. */

let w: DiscordWorld;
let ada: ScriptedUser;
let link: string;

beforeAll(async () => {
  w = await startDiscordWorld({ transcript: "Stir the pasta well." });
  link = await shareableCarousel(w.world);
  ada = w.discord.user("2401", { username: "ada" });
  await connectOverDiscord(w, ada);
}, 120_000);
afterAll(async () => w?.stop());

describe("a carousel of three pictures and one video shared on Discord", () => {
  it("becomes one page with all four in post order, the cover a file upload", async () => {
    ada.sendDm(link);
    const queued = await botMessage(ada, (e) => e.kind === "message" && e.text.startsWith("Queued"));
    expect(queued.text).toBe(`Queued: ${link}`);
    expect((await outcomeOf(ada, queued.messageId, 120_000)).text).toMatch(/^Saved to /);
    const job = await waitUntil(() => w.service.db.prisma.job.findFirst({ where: { canonicalUrl: link, status: "DONE" } }), 30_000, "the job to be DONE");
    expectCarouselPage(w.world, job.notionPageId!);
    expect(w.world.notion.pages).toHaveLength(1);
  }, 150_000);
});

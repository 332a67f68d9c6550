import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ScriptedUser } from "../emulators/telegram/index.ts";
import { expectCarouselPage, shareableCarousel } from "../harness/carousel.ts";
import { waitUntil } from "../harness/service.ts";
import { connectPerson, startTelegramWorld, type TelegramWorld } from "./telegram-world.ts";

/** A whole Instagram carousel shared on Telegram. */

let w: TelegramWorld;
let ada: ScriptedUser;
let link: string;

beforeAll(async () => {
  w = await startTelegramWorld({ transcript: "Stir the pasta well." });
  link = await shareableCarousel(w.world);
  ada = w.tg.user(631, { firstName: "Ada" });
  await connectPerson(ada);
}, 120_000);
afterAll(async () => w?.stop());

describe("a carousel of three pictures and one video shared on Telegram", () => {
  it("becomes one page with all four in post order, the cover a file upload", async () => {
    ada.sendText(link);
    const queued = await ada.waitForBot();
    expect(queued.text).toBe(`Queued: ${link}`);
    const final = await ada.waitForBot((e) => e.kind === "bot-edit" && e.messageId === queued.messageId && /^(Saved to|Couldn't)/.test(e.text ?? ""), 120_000);
    expect(final.text).toMatch(/^Saved to /);
    const job = await waitUntil(() => w.service.db.prisma.job.findFirst({ where: { canonicalUrl: link, status: "DONE" } }), 30_000, "the job to be DONE");
    expectCarouselPage(w.world, job.notionPageId!);
    expect(w.world.notion.pages).toHaveLength(1);
  }, 150_000);
});

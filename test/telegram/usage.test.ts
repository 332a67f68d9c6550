/**
 * What a save costs, end to end: a video through the real service on the emulators records
 * every paid call's usage on its job, and /usage shows exactly those figures, priced.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consentInBrowser } from "../../scripts/demo/browser.ts";
import { askToConnectOnTelegram, connectedOnTelegram, shareOnTelegram } from "../../scripts/demo/telegram-person.ts";
import { visionUsageSince } from "../../scripts/bench/vision-usage.ts";
import { costOf } from "../../src/ai/usage.ts";
import { translator } from "../../src/i18n/index.ts";
import { checkpointsOf } from "../../src/jobs/types.ts";
import { makeCaptionedClip } from "../fixtures/media.ts";
import { startTelegramWorld, type TelegramWorld } from "./telegram-world.ts";

let w: TelegramWorld;

beforeAll(async () => {
  w = await startTelegramWorld({ transcript: "Today we make garlic noodles. Boil the noodles, fry the garlic, toss and serve." });
  await makeCaptionedClip(w.world.mediaDir, { name: "noodles", seconds: 3, captions: ["Garlic noodles"], speech: "Today we make garlic noodles.", post: { title: "Garlic noodles in 15 minutes" } });
});
afterAll(async () => w?.stop());

/** A Gemini call's tokens as the emulator counts them (a token per four characters). */
const tokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

describe("/usage", () => {
  it("shows the month's usage exactly as the saved video's paid calls recorded it, in Spanish", async () => {
    const es = translator("es");
    const marta = w.tg.user(901, { firstName: "Marta", languageCode: "es" });
    await consentInBrowser(await askToConnectOnTelegram(marta, "es"));
    await connectedOnTelegram(marta, "es");
    marta.sendText("/usage");
    const month = new Intl.DateTimeFormat("es", { month: "long", year: "numeric", timeZone: "UTC" }).format(new Date());
    expect((await marta.waitForBot()).text).toBe(es("usage.none", { month }));

    const outcome = await shareOnTelegram(marta, w.world.videoHost.postUrl("noodles"), 90_000, "es");
    expect(outcome.text).toMatch(/^Guardado en/);

    const job = await w.service.db.prisma.job.findFirstOrThrow({ where: { notionPageUrl: outcome.pageUrl } });
    const rows = await w.service.db.prisma.usageRecord.findMany({ where: { jobId: job.id } });
    const recorded = await w.service.repos.usage.totalsOf(job.userId, new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 1)));
    // What the emulators saw: Vision's images, Gemini's prompts and answers, and the audio the transcript covers.
    const geminiIn = w.world.gemini.calls.reduce((n, c) => n + tokens(c.userText + c.systemText), 0);
    const geminiOut = w.world.gemini.calls.reduce((n, c) => n + (c.answerText ? tokens(c.answerText) : 0), 0);
    expect(recorded).toEqual({
      audioSeconds: checkpointsOf(job).transcribe!.audioSeconds,
      visionImages: visionUsageSince(w.world, 0).images,
      geminiInputTokens: geminiIn,
      geminiOutputTokens: geminiOut,
      jobs: 1,
    });
    expect(recorded.audioSeconds).toBeGreaterThan(0);
    expect(recorded.visionImages).toBeGreaterThan(0);
    expect(rows.map((r) => r.provider).sort()).toEqual(["gemini", "openai", "vision"]);

    marta.sendText("/usage");
    const answer = (await marta.waitForBot()).text!;
    const money = new Intl.NumberFormat("es", { style: "currency", currency: "USD", maximumSignificantDigits: 3 });
    expect(answer.split("\n")).toEqual([
      es("usage.videos", { count: 1, month, cost: money.format(costOf(recorded, w.service.config.prices).total) }),
      es("usage.speech", { count: Math.round(recorded.audioSeconds) }),
      es("usage.images", { count: recorded.visionImages }),
      es("usage.tokens", { input: geminiIn, output: geminiOut }),
      es("usage.prices"),
    ]);
    expect(answer).toMatch(/^En \S+ de \d{4}, tu 1 vídeo costó unos /);
  });

  it("exports the same totals and their cost at /metrics", async () => {
    const everyone = await w.service.repos.usage.totals();
    const text = await (await fetch(`http://127.0.0.1:${w.service.port}/metrics`)).text();
    expect(text).toContain(`reelnotes_ai_usage_total{unit="vision_images"} ${everyone.visionImages}`);
    expect(text).toContain(`reelnotes_ai_usage_total{unit="gemini_input_tokens"} ${everyone.geminiInputTokens}`);
    expect(text).toContain(`reelnotes_ai_usage_total{unit="transcription_audio_seconds"} ${everyone.audioSeconds}`);
    const cost = costOf(everyone, w.service.config.prices);
    expect(cost.vision).toBeGreaterThan(0);
    expect(text).toContain(`reelnotes_ai_cost_usd_total{service="vision"} ${cost.vision}`);
  });
});

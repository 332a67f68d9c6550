import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { askToConnectOnTelegram, connectedOnTelegram, shareOnTelegram } from "../../scripts/demo/telegram-person.ts";
import { consentInBrowser } from "../../scripts/demo/browser.ts";
import { translator } from "../../src/i18n/index.ts";
import { makeCaptionedClip } from "../fixtures/media.ts";
import { startTelegramWorld, type TelegramWorld } from "./telegram-world.ts";

let w: TelegramWorld;

beforeAll(async () => {
  w = await startTelegramWorld({ transcript: "Today we make garlic noodles. Boil the noodles, fry the garlic, toss and serve." });
  await makeCaptionedClip(w.world.mediaDir, { name: "noodles", seconds: 3, captions: ["Garlic noodles"], post: { title: "Garlic noodles in 15 minutes" } });
});
afterAll(async () => w?.stop());

async function pageOf(pageUrl: string | undefined) {
  const job = await w.service.db.prisma.job.findFirstOrThrow({ where: { notionPageUrl: pageUrl } });
  return w.world.notion.pages.find((p) => p.id === job.notionPageId);
}

describe("the bot speaks the person's language", () => {
  it("registers the command menu in every language it speaks", () => {
    expect(w.tg.commandsFor(undefined, "es")?.find((c) => c.command === "tag")?.description).toBe(translator("es")("command.tag"));
    expect(w.tg.commandsFor(undefined, "ja")?.find((c) => c.command === "language")?.description).toBe("話す言語を選ぶ");
  });

  it("talks Spanish from /start to a saved page to someone whose Telegram is in Spanish", async () => {
    const es = translator("es");
    const lucia = w.tg.user(701, { firstName: "Lucía", languageCode: "es" });
    lucia.sendText("/help");
    const help = (await lucia.waitForBot()).text!;
    expect(help.startsWith(es("helpIntro"))).toBe(true);
    expect(help).toContain(es("helpLine", { command: "tag", description: es("command.tagUsage") }));

    await consentInBrowser(await askToConnectOnTelegram(lucia, "es"));
    expect(await connectedOnTelegram(lucia, "es")).toBe("Conectado a Home kitchen. Encontré 1 base de datos: 🍳 Recipes. Los enlaces nuevos irán allí.");

    const link = w.world.videoHost.postUrl("noodles");
    const outcome = await shareOnTelegram(lucia, link, 90_000, "es");
    expect(outcome.text).toMatch(/^Guardado en 🍳 Recipes: Garlic noodles in 15 minutes/);
    // Only the chat app is in Spanish: the summary follows the video's own language.
    expect(w.world.gemini.calls.at(-1)?.userText).not.toContain("whatever language the video speaks");
    expect(await pageOf(outcome.pageUrl)).toBeDefined();
    const progress = lucia.transcript().find((m) => m.edits.at(-1) === outcome.text)!;
    const stages = (["download", "extract", "transcribe", "ocr", "summarize", "publish"] as const).map((stage) => es(`stage.${stage}`, { url: link }));
    expect(progress.edits.length).toBeGreaterThan(1);
    for (const edit of progress.edits.slice(0, -1)) expect(stages).toContain(edit);
  });

  it("switches to Japanese with /language and stays there through a saved page", async () => {
    const ja = translator("ja");
    const kenji = w.tg.user(702, { firstName: "Kenji", languageCode: "en" });
    kenji.sendText("/language");
    const question = await kenji.waitForBot();
    expect(question.text).toBe(translator("en")("language.choose"));
    expect(question.buttons?.flat().map((b) => b.text)).toEqual(["English", "Español", "Português", "Deutsch", "Русский", "日本語", "My app's language"]);
    kenji.pressButton(question.messageId!, "日本語");
    expect((await kenji.waitForBot()).text).toBe("これからは日本語で話し、要約も日本語で書きます。");

    await consentInBrowser(await askToConnectOnTelegram(kenji, "ja"));
    expect(await connectedOnTelegram(kenji, "ja")).toBe("Home kitchen に接続しました。データベースが 1 件見つかりました：🍳 Recipes。新しいリンクはそこに保存されます。");

    kenji.sendText("https://example.com/not-a-video");
    expect((await kenji.waitForBot()).text).toBe(ja("unsupportedLink"));

    const outcome = await shareOnTelegram(kenji, w.world.videoHost.postUrl("noodles"), 90_000, "ja");
    expect(outcome.text).toMatch(/^🍳 Recipes に保存しました：/);
    // Chosen with /language, Japanese is also what the summary is asked in (the video speaks English).
    expect(w.world.gemini.calls.at(-1)?.userText).toContain('"keyPoints" in Japanese, whatever language the video speaks.');
    expect(await pageOf(outcome.pageUrl)).toBeDefined();

    kenji.sendText("/language auto");
    expect((await kenji.waitForBot()).text).toBe(translator("en")("language.auto"));
  });
});

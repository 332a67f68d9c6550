import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCaptionedClip } from "../fixtures/media.ts";
import { connectOverHttp, linkButton, startTelegramWorld, type TelegramWorld } from "./telegram-world.ts";

let w: TelegramWorld;

beforeAll(async () => {
  w = await startTelegramWorld({ transcript: "Today we make garlic noodles. Boil the noodles, fry the garlic, toss and serve." });
  await makeCaptionedClip(w.world.mediaDir, {
    name: "noodles",
    seconds: 4,
    captions: ["Garlic noodles", "Fry the garlic"],
    speech: "Today we make garlic noodles.",
    post: { title: "Garlic noodles in 15 minutes", caption: "Quick dinner #noodles", uploader: "chef" },
  });
});
afterAll(async () => w?.stop());

describe("the Telegram journey, end to end on the emulators", () => {
  it("registers the command menu at boot", () => {
    expect(w.tg.commands.map((c) => c.command)).toEqual(["start", "tag", "status", "usage", "language", "help", "disconnect", "forget"]);
  });

  it("goes from /start through Notion consent, /tag and a shared link to a saved page with its link", async () => {
    const ada = w.tg.user(501, { firstName: "Ada", lastName: "Lovelace" });

    ada.sendText("/start");
    const hello = await ada.waitForBot();
    expect(hello.text).toContain("I turn TikTok and Instagram videos into Notion pages");
    const connect = hello.buttons?.flat().find((b) => b.text === "Connect Notion");
    expect(connect?.url).toMatch(new RegExp(`^${w.siteUrl}/connect/`));

    await connectOverHttp(linkButton(ada, "Connect Notion"));
    const connected = (await ada.waitForBot((e) => e.text?.startsWith("Connected") ?? false, 10_000)).text;
    expect(connected).toBe("Connected to Home kitchen. Found 1 database: 🍳 Recipes. New links go there.");

    ada.sendText("/tag");
    const question = await ada.waitForBot();
    expect(question.text).toBe("Which database should new links go to?");
    ada.pressButton(question.messageId!, /Recipes/);
    expect((await ada.waitForBot()).text).toBe("New links go to 🍳 Recipes.");
    expect(w.tg.callbackAnswers.length).toBeGreaterThan(0);

    const link = w.world.videoHost.postUrl("noodles");
    ada.sendText(`look at this ${link}`);
    const queued = await ada.waitForBot();
    expect(queued.text).toBe(`Queued: ${link}`);
    const saved = await ada.waitForBot((e) => e.kind === "bot-edit" && e.messageId === queued.messageId && /^(Saved|Couldn't)/.test(e.text ?? ""), 90_000);
    expect(saved.text).toMatch(/^Saved to 🍳 Recipes: Garlic noodles in 15 minutes\n\n\S/);
    const open = saved.buttons?.flat().find((b) => b.text === "Open in Notion");
    expect(open?.url).toMatch(/^https?:\/\//);

    const progress = ada.transcript().find((m) => m.messageId === queued.messageId)!;
    expect(progress.edits.some((text) => /^(Downloading|Preparing|Transcribing|Reading|Summarising|Saving)/.test(text))).toBe(true);
    expect(progress.edits.at(-1)).toBe(saved.text);

    const job = await w.service.db.prisma.job.findFirstOrThrow({ where: { canonicalUrl: link } });
    const page = w.world.notion.pages.find((p) => p.id === job.notionPageId);
    expect(page).toBeDefined();
    expect(open?.url).toBe(job.notionPageUrl);
  });
});

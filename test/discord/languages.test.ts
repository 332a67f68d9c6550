import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { askToConnectOnDiscord, connectedOnDiscord, shareOnDiscord } from "../../scripts/demo/discord-person.ts";
import { translator } from "../../src/i18n/index.ts";
import { makeCaptionedClip } from "../fixtures/media.ts";
import { waitUntil } from "../harness/service.ts";
import { botMessage, consentInBrowser, startDiscordWorld, type DiscordWorld } from "./discord-world.ts";

let w: DiscordWorld;

beforeAll(async () => {
  w = await startDiscordWorld({ transcript: "Today we make garlic noodles. Boil the noodles, fry the garlic, toss and serve." });
  await makeCaptionedClip(w.world.mediaDir, { name: "noodles", seconds: 3, captions: ["Garlic noodles"], post: { title: "Garlic noodles in 15 minutes" } });
}, 60_000);
afterAll(async () => w?.stop());

describe("the Discord bot speaks the locale of the person's Discord client", () => {
  it("talks Spanish from /connect to a saved page to someone whose Discord is in es-ES", async () => {
    const es = translator("es");
    const lucia = w.discord.user("2701", { username: "lucia", locale: "es-ES" });
    lucia.runCommand("help");
    const help = await botMessage(lucia, (e) => e.kind === "response");
    expect(help.text.startsWith(es("helpIntro"))).toBe(true);

    const invitation = await askToConnectOnDiscord(lucia, "es");
    const answer = lucia.transcript().find((e) => e.kind === "response" && e.buttons !== undefined)!;
    expect(answer.text).toBe(`${es("intro")}\n\n${es("connectFirst")}`);
    await consentInBrowser(invitation);
    expect(await connectedOnDiscord(lucia, "es")).toBe("Conectado a Home kitchen. Encontré 1 base de datos: 🍳 Recipes. Los enlaces nuevos irán allí.");

    const link = w.world.videoHost.postUrl("noodles");
    const outcome = await shareOnDiscord(lucia, link, 90_000, "es");
    expect(outcome.text).toMatch(/^Guardado en 🍳 Recipes: Garlic noodles in 15 minutes/);
    const progress = lucia.transcript().find((e) => e.kind === "message" && e.text === outcome.text)!;
    const stages = (["download", "extract", "transcribe", "ocr", "summarize", "publish"] as const).map((stage) => es(`stage.${stage}`, { url: link }));
    expect(progress.edits.length).toBeGreaterThan(1);
    for (const edit of progress.edits.slice(0, -1)) expect([es("queued", { url: link }), ...stages]).toContain(edit);
    const job = await waitUntil(() => w.service.db.prisma.job.findFirst({ where: { canonicalUrl: link, status: "DONE" } }), 10_000, "the job to be DONE");
    expect(w.world.notion.pages.find((p) => p.id === job.notionPageId)).toBeDefined();
    expect(outcome.pageUrl).toBe(job.notionPageUrl);
  });
});

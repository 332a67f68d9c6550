import { describe, expect, it } from "vitest";
import { english } from "../../src/i18n/index.ts";
import { waitUntil } from "../harness/service.ts";
import { connectOverHttp, connectPerson, jobsOf, linkButton, outcomeOf, useRecipeClips } from "./telegram-world.ts";

const clips = useRecipeClips(["soup", "salad"] as const);
const url = clips.url;

/** Sends `link` and returns the bot's "Queued" message. */
async function shareAndWait(user: ReturnType<ReturnType<typeof clips.w>["tg"]["user"]>, link: string) {
  user.sendText(link);
  return { queued: await user.waitForBot() };
}

describe("links that wait for the person", () => {
  it("keeps a link sent before connecting, sends the connect link, and starts it once the person links and chooses", async () => {
    const cy = clips.w().tg.user(703, { firstName: "Cy" });
    const sent = cy.sendText(`save this please ${url("soup")}`);
    const queued = await cy.waitForBot();
    expect(queued.text).toBe(`Queued: ${url("soup")}`);
    const ask = await cy.waitForBot((e) => e.kind === "bot-message" && e.messageId !== queued.messageId);
    expect(ask.text).toBe("I kept your link. Connect your Notion first, and I will start as soon as you have. First, connect your Notion workspace. The link works once, for 15 minutes.");
    expect((await jobsOf(clips.w(), cy)).map((j) => j.status)).toEqual(["WAITING_FOR_CONNECTION"]);

    await connectOverHttp(linkButton(cy, "Connect Notion"));
    const connected = await clips.w().tg.waitFor((e) => e.chatId === cy.id && e.seq > sent.seq && (e.text?.startsWith("Connected to") ?? false), 10_000);
    expect(connected.text).toBe(
      "Connected to Shared kitchen. Found 3 databases: 🍹 Drinks, Recipes, and recipes!. Choose one with /tag.\nWhich database should this link go to?",
    );
    expect(connected.buttons?.flat().map((b) => b.text)).toEqual(["🍹 Drinks", "Recipes", "recipes!"]);
    expect((await jobsOf(clips.w(), cy)).map((j) => j.status)).toEqual(["WAITING_FOR_SCHEMA"]);

    cy.pressButton(connected.messageId!, "🍹 Drinks");
    expect((await cy.waitForBot((e) => e.kind === "bot-message")).text).toBe("New links go to 🍹 Drinks. Starting your link now.");
    expect((await outcomeOf(cy, queued.messageId)).text).toMatch(/^Saved to 🍹 Drinks: How to make soup/);
  });

  it("picks the database from the video when several exist and none is chosen, says so, and moves the page on a press", async () => {
    const w = clips.w();
    const di = w.tg.user(704, { firstName: "Di" });
    await connectPerson(di);
    const queued = (await shareAndWait(di, url("salad"))).queued;
    const saved = await outcomeOf(di, queued.messageId);
    // "How to make salad" shares "salad" with Recipes' description, nothing with the other two.
    expect(saved.text).toMatch(/^Saved to Recipes: How to make salad/);
    expect(saved.text).toContain(english("savedPicked", { database: "Recipes" }));
    const pick = w.world.gemini.calls.find((c) => c.userText.includes("<databases>"))!;
    expect(pick.userText).toContain("description: Dishes to cook at home: soups, salads, pasta and desserts.");
    expect(pick.userText).toMatch(/- tag: drinks\n {2}title: 🍹 Drinks\n {2}description: Cocktails[^\n]*\n {2}properties: [^\n]*Alcoholic/);
    expect(JSON.parse(pick.answerText!)).toMatchObject({ database: "recipes" });
    const moves = saved.buttons!.flat().filter((b) => b.data?.startsWith("move:"));
    expect(moves.map((b) => b.text)).toEqual(["Move to 🍹 Drinks", "Move to recipes!"]);
    const first = await waitUntil(async () => (await jobsOf(w, di)).find((j) => j.status === "DONE"), 10_000, "the job to be done");
    expect(first!.schema?.title).toBe("Recipes");

    di.pressButton(saved.messageId!, "Move to 🍹 Drinks");
    expect((await di.waitForBot((e) => e.text === english("moving", { database: "🍹 Drinks" }))).text).toBeDefined();
    const moved = await di.waitForBot((e) => e.kind === "bot-edit" && e.messageId === queued.messageId && /^Saved to 🍹 Drinks: How to make salad/.test(e.text ?? ""), 60_000);
    expect(moved.text).not.toContain(english("savedPicked", { database: "🍹 Drinks" }));
    const job = await waitUntil(async () => (await jobsOf(w, di)).find((j) => j.status === "DONE" && j.notionPageId !== first!.notionPageId), 10_000, "the moved job to be done");
    expect(job!.schema?.title).toBe("🍹 Drinks");
    const pages = w.world.notion.pages;
    expect(pages.find((p) => p.id === job!.notionPageId)?.inTrash).toBe(false);
    expect(pages.find((p) => p.id === first!.notionPageId)?.inTrash).toBe(true);
    // The move summarises for the new database without picking again.
    expect(w.world.gemini.calls.filter((c) => c.userText.includes("<databases>"))).toHaveLength(1);
  });
});

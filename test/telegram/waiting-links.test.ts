import { describe, expect, it } from "vitest";
import { waitUntil } from "../harness/service.ts";
import { botMessagesAfter, connectOverHttp, connectPerson, jobsOf, linkButton, outcomeOf, useRecipeClips } from "./telegram-world.ts";

const clips = useRecipeClips(["soup", "salad"] as const);
const url = clips.url;

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

  it("asks which database when several exist and none is chosen; the job waits, then runs on the press", async () => {
    const di = clips.w().tg.user(704, { firstName: "Di" });
    await connectPerson(di);
    const sent = di.sendText(url("salad"));
    const queued = await di.waitForBot();
    expect(queued.text).toBe(`Queued: ${url("salad")}`);
    const ask = await di.waitForBot((e) => e.kind === "bot-message" && e.messageId !== queued.messageId);
    expect(ask.text).toBe("Which database should this link go to?");
    expect((await jobsOf(clips.w(), di)).map((j) => j.status)).toEqual(["WAITING_FOR_SCHEMA"]);
    expect(botMessagesAfter(clips.w(), di, sent.seq)).toHaveLength(2);

    di.pressButton(ask.messageId!, "Recipes");
    expect((await di.waitForBot((e) => e.kind === "bot-message")).text).toBe("New links go to Recipes. Starting your link now.");
    expect((await outcomeOf(di, queued.messageId)).text).toMatch(/^Saved to Recipes: How to make salad/);
    const job = await waitUntil(async () => (await jobsOf(clips.w(), di)).find((j) => j.status === "DONE"), 10_000, "the job to be done");
    expect(clips.w().world.notion.pages.some((p) => p.id === job!.notionPageId)).toBe(true);
  });

});

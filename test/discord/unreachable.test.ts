import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ScriptedUser } from "../emulators/discord/index.ts";
import { makeCaptionedClip } from "../fixtures/media.ts";
import { waitUntil } from "../harness/service.ts";
import { botMessage, connectOverDiscord, outcomeOf, startDiscordWorld, type DiscordWorld } from "./discord-world.ts";

let w: DiscordWorld;
let bo: ScriptedUser;

beforeAll(async () => {
  // An application whose owner never turned on a privileged intent: direct messages must still work.
  w = await startDiscordWorld({ discord: { allowedPrivilegedIntents: 0 } });
  await Promise.all(
    ["tacos", "burrito"].map((name) => makeCaptionedClip(w.world.mediaDir, { name, seconds: 3, captions: [name], speech: `${name} tonight.` })),
  );
  bo = w.discord.user("3101", { username: "bo" });
  await connectOverDiscord(w, bo);
}, 60_000);
afterAll(async () => w?.stop());

describe("the Discord bot without privileged intents, and a person who closed their DMs", () => {
  it("reads links sent in DMs without the Message Content intent and saves them", async () => {
    const video = w.world.videoHost.postUrl("tacos");
    bo.sendDm(video);
    const queued = await botMessage(bo, (e) => e.text === `Queued: ${video}`);
    const saved = await outcomeOf(bo, queued.messageId);
    expect(saved.text).toMatch(/^Saved to /);
  }, 150_000);

  it("stops writing to a person after Discord's 50007 (DMs closed); their link is still saved as a page", async () => {
    const cy = w.discord.user("3102", { username: "cy" });
    await connectOverDiscord(w, cy);
    const pagesBefore = w.world.notion.pages.length;
    const dmPosts = () => w.discord.requests.filter((r) => r.method !== "GET" && r.path.includes(`/channels/${cy.dmChannelId}/messages`));
    cy.closeDms();
    cy.sendDm(w.world.videoHost.postUrl("burrito"));
    await waitUntil(async () => w.world.notion.pages.length > pagesBefore || undefined, 120_000, "cy's page");
    const refusals = dmPosts().filter((r) => r.status === 403);
    expect(refusals).toHaveLength(1);
    expect(dmPosts().filter((r) => r.at > refusals[0]!.at)).toEqual([]);
  }, 150_000);
});

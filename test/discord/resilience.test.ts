import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { english } from "../../src/i18n/index.ts";
import { DiscordRoutes, type ScriptedUser } from "../emulators/discord/index.ts";
import { makeCaptionedClip } from "../fixtures/media.ts";
import { botMessage, connectOverDiscord, outcomeOf, startDiscordWorld, type DiscordWorld } from "./discord-world.ts";

let w: DiscordWorld;
let ada: ScriptedUser;

beforeAll(async () => {
  w = await startDiscordWorld({ transcript: "Crispy chickpeas: roast them for twenty minutes with paprika." });
  await Promise.all(
    ["chickpeas", "flatbread"].map((name) => makeCaptionedClip(w.world.mediaDir, { name, seconds: 3, captions: [name], speech: `Today: ${name}.` })),
  );
  ada = w.discord.user("3001", { username: "ada" });
  await connectOverDiscord(w, ada);
}, 60_000);
afterAll(async () => w?.stop());

/** Sends `post`'s link in a DM and returns the progress message that answers it. */
async function shareClip(post: string) {
  const video = w.world.videoHost.postUrl(post);
  ada.sendDm(video);
  return botMessage(ada, (e) => e.text === `Queued: ${video}`);
}

const progressEdits = () => w.discord.requests.filter((r) => r.method === "PATCH" && r.path.includes("/channels/"));

describe("the Discord bot when things go wrong", () => {
  it("says a link that is neither TikTok nor Instagram is unsupported, and starts no job", async () => {
    ada.sendDm("have a look https://vimeo.com/76979871");
    const answer = await botMessage(ada, (e) => e.text === english("unsupportedLink"));
    expect(answer.kind).toBe("message");
    expect(await w.service.db.prisma.job.count({ where: { canonicalUrl: { contains: "vimeo" } } })).toBe(0);
  });

  it("answers /tag refresh through the deferred reply when Notion takes longer than the 3-second window", async () => {
    w.world.notion.behaviour.latencyMs = (req) => (req.path.endsWith("/search") ? 3500 : 0);
    try {
      const refresh = ada.runCommand("tag", { name: "refresh" });
      const answer = await botMessage(ada, (e) => e.kind === "response" && e.text.startsWith("I re-read your Notion"), 15_000);
      expect(answer.text).toBe("I re-read your Notion: 🍳 Recipes.");
      expect(refresh.response?.type).toBe(5);
      expect(refresh.refused).toEqual([]);
      // The scenario itself: the answer came after the window in which an initial response is accepted.
      const answeredAt = w.discord.requests.findLast((r) => r.method === "PATCH" && r.path.includes("/webhooks/"))!.at;
      expect(answeredAt - refresh.dispatchedAt).toBeGreaterThan(3000);
    } finally {
      w.world.notion.behaviour.latencyMs = 0;
    }
  });

  it("waits out 429s on progress edits and still ends with the saved message", async () => {
    const queued = await shareClip("chickpeas");
    const before = progressEdits().length;
    w.discord.rateLimitNext(3, DiscordRoutes.editMessage, { retryAfterSeconds: 0.5 });
    const saved = await outcomeOf(ada, queued.messageId);
    expect(saved.text).toMatch(/^Saved to 🍳 Recipes: /);
    expect(saved.buttons?.flat()[0]?.label).toBe(english("openInNotion"));
    const edits = progressEdits().slice(before);
    expect(edits.filter((r) => r.status === 429)).toHaveLength(3);
    expect(edits.at(-1)?.status).toBe(200);
  });

  it("reports a job's result after the gateway dropped mid-job, and hears DMs again on the new session", async () => {
    const queued = await shareClip("flatbread");
    const identifies = w.discord.gatewayStats().identifies;
    const underway = await botMessage(ada, (e) => e.messageId === queued.messageId && e.edits.length > 0, 30_000);
    expect(underway.text).not.toMatch(/^Saved/);
    w.discord.dropGatewayConnections({ invalidateSession: true });

    const saved = await outcomeOf(ada, queued.messageId);
    expect(saved.text).toMatch(/^Saved to 🍳 Recipes: /);
    expect(saved.embeds?.[0]?.url).toMatch(/^https?:\/\//);

    await w.discord.waitFor(() => w.discord.gatewayStats().identifies > identifies && w.discord.isGatewayConnected(), 15_000);
    ada.sendDm("hello again");
    await botMessage(ada, (e) => e.text === english("hint"));
  });
});

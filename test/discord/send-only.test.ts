import { RecipientUnreachableError } from "../../src/chat/adapter.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDiscordBot, type DiscordBot } from "../../bots/discord/index.ts";
import type { ChatCore } from "../../src/chat/core.ts";
import { loadConfig } from "../../src/config.ts";
import { TransientError } from "../../src/errors.ts";
import { createLogger } from "../../src/log.ts";
import { DiscordRoutes, startDiscordEmulator, type DiscordEmulator } from "../emulators/discord/index.ts";

/** A worker-only process never hands the bot anything to handle, so its chat core is never called. */
const unusedChat = {} as ChatCore;

describe("the Discord bot in a worker-only process (send-only)", () => {
  let discord: DiscordEmulator;
  let bot: DiscordBot;

  beforeAll(async () => {
    discord = await startDiscordEmulator();
    const config = loadConfig({ DISCORD_BOT_TOKEN: discord.token, DISCORD_API_BASE: discord.apiBase, LOG_LEVEL: "silent" });
    bot = await startDiscordBot({ config, log: createLogger(config), chat: unusedChat, receive: "send-only" });
  });
  afterAll(async () => {
    await bot?.stop();
    await discord?.stop();
  });

  it("opens no gateway session and registers no commands, but knows the bot's link", () => {
    expect(discord.gatewayStats().identifies).toBe(0);
    expect(discord.commands).toEqual([]);
    expect(bot.link).toBe(`https://discord.com/users/${discord.bot.id}`);
  });

  it("sends to a DM channel and edits the message, replacing its embed and buttons", async () => {
    const ada = discord.user("5001");
    const sent = await bot.adapter.send(ada.dmChannelId, {
      text: "Saved",
      card: { title: "Noodles", description: "Garlic", url: "https://www.notion.so/p", footer: "Recipes" },
      buttons: [[{ text: "Open in Notion", url: "https://www.notion.so/p" }]],
    });
    expect(sent.chatId).toBe(ada.dmChannelId);
    await bot.adapter.edit(sent.chatId, sent.messageId, { text: "Trying again…" });
    expect(ada.transcript()).toMatchObject([{ from: "bot", messageId: sent.messageId, text: "Trying again…", edits: ["Trying again…"] }]);
    expect(ada.transcript()[0]!.embeds).toBeUndefined();
    expect(ada.transcript()[0]!.buttons).toBeUndefined();
  });

  it("reports Discord's 5xx (after discord.js's own retries) as a transient failure the pipeline retries", async () => {
    const ada = discord.user("5001");
    const sent = await bot.adapter.send(ada.dmChannelId, { text: "Queued" });
    for (let i = 0; i < 4; i++) discord.failNext({ kind: "503" }, DiscordRoutes.editMessage);
    const failure = await bot.adapter.edit(sent.chatId, sent.messageId, { text: "Saved" }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TransientError);
    expect(failure).toMatchObject({ kind: "server_error" });
  });

  it("turns Discord's 50007 into RecipientUnreachableError: a person who closed their DMs is not retried", async () => {
    const grace = discord.user("5002");
    grace.closeDms();
    const failure = await bot.adapter.send(grace.dmChannelId, { text: "Connected" }).catch((error: unknown) => error);
    expect(failure).not.toBeInstanceOf(TransientError);
    expect(failure).toBeInstanceOf(RecipientUnreachableError);
    expect((failure as Error).cause).toMatchObject({ code: 50007 });
  });
});

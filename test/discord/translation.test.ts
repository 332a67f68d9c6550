import { createHash } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startDiscordBot, type DiscordBot } from "../../bots/discord/index.ts";
import type { ChatSender, Reply } from "../../src/chat/adapter.ts";
import type { ChatCore } from "../../src/chat/core.ts";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/log.ts";
import { startDiscordEmulator, type DiscordEmulator } from "../emulators/discord/index.ts";

/** What the bot handed the core, and how the core answers: a stand-in that says what each test tells it to. */
interface Call {
  kind: "text" | "command" | "button" | "file" | "refused";
  sender: ChatSender;
  input: string;
  argument?: string;
}

let answer: (reply: Reply) => Promise<void>;
const calls: Call[] = [];
const fakeChat: ChatCore = {
  registerAdapter: () => undefined,
  handleText: async (sender, text, reply) => void (calls.push({ kind: "text", sender, input: text }), await answer(reply)),
  handleCommand: async (sender, name, argument, reply) => void (calls.push({ kind: "command", sender, input: name, argument }), await answer(reply)),
  handleButton: async (sender, data, reply) => void (calls.push({ kind: "button", sender, input: data }), await answer(reply)),
  handleVideoFiles: async (sender, sent, caption, reply) =>
    void (calls.push(...sent.map((s) => ({ kind: "file" as const, sender, input: s.key, argument: `${s.file.ref} ${s.file.name} ${caption}` }))), await answer(reply)),
  refuseFile: async (sender, caption, sentence, reply) =>
    void (calls.push({ kind: "refused", sender, input: sentence.key, argument: `${String(sentence.params?.mb)} ${caption}` }), await answer(reply)),
  databasesFor: async () => [
    { title: "🍳 Recipes", tag: "recipes" },
    { title: "Reading list", tag: "reading-list" },
  ],
  progress: {} as ChatCore["progress"],
  notifier: {} as ChatCore["notifier"],
};

let discord: DiscordEmulator;
let bot: DiscordBot;

beforeAll(async () => {
  discord = await startDiscordEmulator({ heartbeatIntervalMs: 1000 });
  const config = loadConfig({ DISCORD_BOT_TOKEN: discord.token, DISCORD_API_BASE: discord.apiBase, LOG_LEVEL: "silent" });
  bot = await startDiscordBot({ config, log: createLogger(config), chat: fakeChat, receive: "gateway" });
});
afterAll(async () => {
  await bot?.stop();
  await discord?.stop();
});
beforeEach(() => {
  calls.length = 0;
  answer = async (reply) => void (await reply({ text: "ok" }));
});

describe("the Discord adapter translates, the core decides", () => {
  it("hands a DM to the core as the person's text, with their DM channel as the chat, and answers there", async () => {
    const ada = discord.user("6001", { username: "ada" });
    ada.sendDm("hello *there*");
    await ada.waitFor((t) => t.find((e) => e.from === "bot" && e.text === "ok"));
    expect(calls).toEqual([{ kind: "text", sender: { platform: "DISCORD", externalUserId: "6001", chatId: ada.dmChannelId, displayName: "@ada" }, input: "hello *there*" }]);
  });

  it("never hands the bot's own messages back to the core", async () => {
    const ada = discord.user("6001");
    await bot.adapter.send(ada.dmChannelId, { text: "Connected to Home kitchen." });
    ada.sendDm("after");
    await ada.waitFor((t) => t.filter((e) => e.text === "ok").length === 2);
    expect(calls.map((c) => c.input)).toEqual(["after"]);
  });

  it("passes /tag's name option as the argument, and offers matching databases by title or tag", async () => {
    const ada = discord.user("6001");
    expect(await ada.autocomplete("tag", "name", "read")).toEqual([{ name: "Reading list", value: "reading-list" }]);
    expect(await ada.autocomplete("tag", "name", "")).toHaveLength(2);
    ada.runCommand("tag", { name: "recipes" });
    await discord.waitFor(() => calls.length === 1);
    expect(calls[0]).toMatchObject({ kind: "command", input: "tag", argument: "recipes", sender: { chatId: ada.dmChannelId } });
    // Used in the DM, the interaction names the DM channel: no DM needs opening.
    expect(discord.requests.filter((r) => r.path.endsWith("/users/@me/channels"))).toEqual([]);
  });

  it("answers a public command's private answer in an ephemeral follow-up, and later answers as follow-ups", async () => {
    answer = async (reply) => {
      await reply({ text: "only for you" }, { personal: true });
      await reply({ text: "for everyone" });
    };
    const ada = discord.user("6002", { username: "grace" });
    const help = ada.runCommand("help");
    await ada.waitFor((t) => t.some((e) => e.text === "for everyone"));
    expect(help.response?.type).toBe(5);
    expect(ada.transcript().filter((e) => e.from === "bot").map((e) => [e.kind, e.text, e.ephemeral ?? false])).toEqual([
      ["follow-up", "only for you", true],
      ["follow-up", "for everyone", false],
    ]);
  });

  it("removes the thinking placeholder when the core fails", async () => {
    answer = async () => {
      throw new Error("the database is down");
    };
    const ada = discord.user("6003");
    const status = ada.runCommand("status");
    await discord.waitFor(() => status.response && !ada.transcript().some((e) => e.from === "bot"));
    expect(status.response?.type).toBe(5);
  });

  it("acknowledges a button press and puts the core's answer in place of the pressed message", async () => {
    const ada = discord.user("6004");
    const question = await bot.adapter.send(ada.dmChannelId, { text: "Which database?", buttons: [[{ text: "Recipes", data: "tag:recipes" }]] });
    const press = ada.pressButton(question.messageId, "Recipes");
    await ada.waitFor((t) => t.find((e) => e.messageId === question.messageId && e.text === "ok"));
    expect(press.response?.type).toBe(6);
    expect(calls).toMatchObject([{ kind: "button", input: "tag:recipes", sender: { chatId: ada.dmChannelId } }]);
    expect(ada.transcript().find((e) => e.messageId === question.messageId)?.buttons).toBeUndefined();
  });
  it("hands a DM's video attachments to the core as sent files keyed by their content, and only those", async () => {
    const ada = discord.user("6005");
    const clip = Buffer.from("a short clip");
    const sent = ada.sendDm("dinner idea", [
      { data: clip, filename: "noodles.mp4" },
      { data: Buffer.from("a photo"), filename: "cover.jpg" },
      { data: Buffer.from("another clip"), filename: "pasta.mov" },
    ]);
    await ada.waitFor((t) => t.find((e) => e.text === "ok"));
    const sha = (data: Buffer) => createHash("sha256").update(data).digest("hex");
    const where = (name: string) => expect.stringMatching(new RegExp(`^${ada.dmChannelId}/${sent.messageId}/\\d+ ${name.replace(".", "\\.")} dinner idea$`));
    expect(calls).toEqual([
      { kind: "file", sender: expect.objectContaining({ chatId: ada.dmChannelId }), input: `discord-file:${sha(clip)}`, argument: where("noodles.mp4") },
      { kind: "file", sender: expect.objectContaining({ chatId: ada.dmChannelId }), input: `discord-file:${sha(Buffer.from("another clip"))}`, argument: where("pasta.mov") },
    ]);
    // Read once each, to hash; the picture not at all.
    expect([...discord.attachmentDownloads.values()]).toEqual([1, 1]);
  });

  it("refuses a 21 MB video attachment without downloading it, naming the 20 MB limit", async () => {
    const ada = discord.user("6006");
    const downloads = discord.attachmentDownloads.size;
    ada.sendDm("", [{ data: Buffer.alloc(21 * 1024 * 1024, 1), filename: "long.mp4" }]);
    await ada.waitFor((t) => t.find((e) => e.text === "ok"));
    expect(calls).toEqual([{ kind: "refused", sender: expect.objectContaining({ chatId: ada.dmChannelId }), input: "fileOverOurLimit", argument: "20 " }]);
    expect(discord.attachmentDownloads.size).toBe(downloads);
  });
});

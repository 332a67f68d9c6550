import { afterEach, describe, expect, it } from "vitest";
import { startTelegramBot, type TelegramBot } from "../../bots/telegram/index.ts";
import type { ChatSender, Reply } from "../../src/chat/adapter.ts";
import type { ChatCore } from "../../src/chat/core.ts";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/log.ts";
import { MemoryStateStore } from "../../src/state/index.ts";
import { startTelegramEmulator, type TelegramEmulator } from "../emulators/telegram/index.ts";
import { BOT_TOKEN } from "./telegram-world.ts";

/**
 * The adapter on its own: the Telegram emulator on one side, a chat core stand-in on the
 * other that records what reached it, so routing, ordering and the port are checked quickly.
 */

interface Heard {
  kind: "text" | "button";
  sender: ChatSender;
  value: string;
}

function fakeCore(behaviour: { onText?: (text: string, reply: Reply) => Promise<void>; onButton?: () => Promise<void> } = {}) {
  const heard: Heard[] = [];
  const core = {
    registerAdapter: () => undefined,
    async handleText(sender: ChatSender, text: string, reply: Reply) {
      heard.push({ kind: "text", sender, value: text });
      await (behaviour.onText ?? ((t, r) => r({ text: `heard: ${t}` }).then(() => undefined)))(text, reply);
    },
    handleCommand: async () => undefined,
    async handleButton(sender: ChatSender, data: string) {
      heard.push({ kind: "button", sender, value: data });
      await behaviour.onButton?.();
    },
    databasesFor: async () => [],
  } as unknown as ChatCore;
  return { core, heard };
}

let tg: TelegramEmulator;
const running: TelegramBot[] = [];

async function start(core: ChatCore, receive: "updates" | "send-only" = "updates") {
  tg ??= await startTelegramEmulator({ token: BOT_TOKEN, botUsername: "reelnotes_test_bot" });
  const config = loadConfig({ TELEGRAM_BOT_TOKEN: BOT_TOKEN, TELEGRAM_API_ROOT: tg.url, LOG_LEVEL: "silent" });
  const bot = await startTelegramBot({ config, log: createLogger(config), chat: core, state: new MemoryStateStore(), receive });
  running.push(bot);
  return bot;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((bot) => bot.stop()));
  await tg?.stop();
  tg = undefined as unknown as TelegramEmulator;
});

describe("the Telegram adapter", () => {
  it("handles messages that arrived while it was down, with the sender as the core knows them", async () => {
    tg = await startTelegramEmulator({ token: BOT_TOKEN, botUsername: "reelnotes_test_bot" });
    const ada = tg.user(42, { firstName: "Ada", lastName: "Lovelace", username: "ada" });
    ada.sendText("sent before the bot started");
    const { core, heard } = fakeCore();
    const bot = await start(core);

    expect(bot.link).toBe("https://t.me/reelnotes_test_bot");
    expect((await ada.waitForBot()).text).toBe("heard: sent before the bot started");
    expect(heard[0]!.sender).toEqual({ platform: "TELEGRAM", externalUserId: "42", chatId: "42", displayName: "@ada", languageCode: "en" });
  });

  it("gives stickers and photos without a caption to the core as empty text, so it can hint", async () => {
    const { core, heard } = fakeCore();
    await start(core);
    const bo = tg.user(43, { firstName: "Bo" });
    bo.sendCaption("", { media: "photo" });
    await bo.waitForBot();
    expect(heard.map((h) => h.value)).toEqual([""]);
    // Without a handle, the account goes by the person's name.
    expect(heard[0]!.sender.displayName).toBe("Bo");
  });

  it("answers every button press, even when the core fails on it, and keeps going", async () => {
    const { core, heard } = fakeCore({ onButton: () => Promise.reject(new Error("database down")) });
    await start(core);
    const cy = tg.user(44, { firstName: "Cy" });
    cy.sendText("hello");
    const hello = await cy.waitForBot();
    await running[0]!.adapter.send("44", { text: "Pick", buttons: [[{ text: "This one", data: "tag:1" }]] });
    const press = cy.pressButton("Pick", "This one");
    await expect.poll(() => tg.callbackAnswers.length).toBe(1);
    expect(tg.callbackAnswers[0]).toMatchObject({ queryId: press.kind === "callback" ? press.queryId : "not a callback" });
    await expect.poll(() => heard.at(-1)).toMatchObject({ kind: "button", value: "tag:1" });

    cy.sendText("still there?");
    expect((await cy.waitForBot()).text).toBe("heard: still there?");
    expect(hello.text).toBe("heard: hello");
  });

  it("keeps each chat in order but never lets one slow chat hold up another", async () => {
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const { core } = fakeCore({
      onText: async (text, reply) => {
        if (text === "slow") await slow;
        await reply({ text: `done: ${text}` });
      },
    });
    await start(core);
    const di = tg.user(45, { firstName: "Di" });
    const ed = tg.user(46, { firstName: "Ed" });
    di.sendText("slow");
    di.sendText("after slow");
    ed.sendText("quick");
    expect((await ed.waitForBot()).text).toBe("done: quick");
    expect(di.transcript().filter((m) => m.from === "bot")).toEqual([]);
    release();
    await tg.waitFor((e) => e.chatId === 45 && e.text === "done: after slow");
    expect(di.transcript().filter((m) => m.from === "bot").map((m) => m.text)).toEqual(["done: slow", "done: after slow"]);
  });

  it("edits in place, treats an unchanged edit as done, and shows typing", async () => {
    const { core } = fakeCore();
    const bot = await start(core);
    const fa = tg.user(47, { firstName: "Fa" });
    fa.sendText("hi");
    await fa.waitForBot();
    const sent = await bot.adapter.send("47", { text: "Downloading…" });
    await bot.adapter.edit(sent.chatId, sent.messageId, { text: "Summarising…", buttons: [[{ text: "Open", url: "https://notion.so/x" }]] });
    await bot.adapter.edit(sent.chatId, sent.messageId, { text: "Summarising…", buttons: [[{ text: "Open", url: "https://notion.so/x" }]] });
    await bot.adapter.typing("47");
    const shown = fa.transcript().find((m) => m.messageId === Number(sent.messageId))!;
    expect(shown.edits).toEqual(["Summarising…"]);
    expect(shown.buttons).toEqual([[{ text: "Open", url: "https://notion.so/x" }]]);
    expect(tg.events.some((e) => e.kind === "chat-action" && e.chatId === 47 && e.data === "typing")).toBe(true);
    await expect(bot.adapter.edit("47", "999", { text: "nowhere" })).rejects.toThrow(/message to edit not found/);
  });

  it("sends a text longer than Telegram allows, cut to fit", async () => {
    const { core } = fakeCore();
    const bot = await start(core);
    const gu = tg.user(48, { firstName: "Gu" });
    gu.sendText("hi");
    await gu.waitForBot();
    await bot.adapter.send("48", { text: `${"a".repeat(5_000)} & <tail>` });
    expect(gu.transcript().at(-1)!.text).toHaveLength(4096);
  });

  it("in send-only mode never polls or sets commands, but sends", async () => {
    const { core } = fakeCore();
    tg = await startTelegramEmulator({ token: BOT_TOKEN });
    const ha = tg.user(49, { firstName: "Ha" });
    ha.sendText("hello");
    const bot = await start(core, "send-only");
    await bot.adapter.send("49", { text: "Saved." });
    expect(ha.transcript().at(-1)!.text).toBe("Saved.");
    expect(tg.calls("getUpdates")).toEqual([]);
    expect(tg.calls("setMyCommands")).toEqual([]);
    expect(bot.handleWebhookUpdate).toBeUndefined();
  });

  it("handles a polled update again when the database did not answer, and gives up on a bug at once", async () => {
    let restarting = 2;
    const { core, heard } = fakeCore({
      onText: async (text, reply) => {
        if (text === "while the database restarts" && restarting-- > 0) throw new Error("Can't reach database server at 127.0.0.1:5432");
        if (text === "a bug") throw new Error("undefined is not a function");
        await reply({ text: `heard: ${text}` });
      },
    });
    await start(core);
    const jo = tg.user(51, { firstName: "Jo" });
    jo.sendText("a bug");
    jo.sendText("while the database restarts");
    expect((await jo.waitForBot()).text).toBe("heard: while the database restarts");
    expect(heard.map((h) => h.value)).toEqual(["a bug", "while the database restarts", "while the database restarts", "while the database restarts"]);
  });

  it("stops polling cleanly, and a restarted bot picks up exactly what came after", async () => {
    const first = fakeCore();
    const bot = await start(first.core);
    const io = tg.user(50, { firstName: "Io" });
    io.sendText("one");
    await io.waitForBot();
    // Resolves only once the open long poll is given up (a hang fails the test).
    await bot.stop();
    running.length = 0;
    io.sendText("two");

    const second = fakeCore();
    await start(second.core);
    expect((await io.waitForBot()).text).toBe("heard: two");
    expect(second.heard.map((h) => h.value)).toEqual(["two"]);
    // The stopped bot took nothing more: "two" went to the restarted one alone.
    expect(first.heard.map((h) => h.value)).toEqual(["one"]);
  });
});

import { Bot, InlineKeyboard } from "grammy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTelegramEmulator, type TelegramEmulator } from "./index.ts";
import { startPollingBot } from "./polling-bot.ts";

const TOKEN = "123456:test-token";
let tg: TelegramEmulator;
let bot: Bot | undefined;

beforeEach(async () => {
  tg = await startTelegramEmulator({ token: TOKEN, botUsername: "reel_bot" });
});

afterEach(async () => {
  await bot?.stop();
  bot = undefined;
  await tg.stop();
});

describe("Telegram emulator with a long-polling grammY bot", () => {
  it("introduces the bot through getMe", async () => {
    const api = new Bot(TOKEN, { client: { apiRoot: tg.url } }).api;
    const me = await api.getMe();
    expect(me).toMatchObject({ id: 123456, is_bot: true, username: "reel_bot" });
  });

  it("delivers a user's text and shows the bot's HTML reply as the user reads it", async () => {
    bot = await startPollingBot(tg, (b) => b.on("message:text", (ctx) => ctx.reply(`You said <b>${ctx.msg.text}</b> &amp; more`, { parse_mode: "HTML" })));
    const alice = tg.user(1, { firstName: "Alice", username: "alice" });
    alice.sendText("hello");
    const reply = await alice.waitForBot();
    expect(reply.text).toBe("You said hello & more");
    expect(alice.transcript()).toEqual([
      { from: "user", text: "hello", messageId: 1, edits: [], userId: 1 },
      { from: "bot", text: "You said hello & more", messageId: 2, edits: [] },
    ]);
  });

  it("marks commands so grammY's command handlers fire, and records the command menu", async () => {
    bot = await startPollingBot(tg, (b) => b.command("start", (ctx) => ctx.reply(`start with "${ctx.match}"`)));
    await bot.api.setMyCommands([{ command: "start", description: "What this bot does" }]);
    const alice = tg.user(1, { firstName: "Alice" });
    alice.sendText("/start deep-link");
    expect((await alice.waitForBot()).text).toBe('start with "deep-link"');
    expect(tg.commands).toEqual([{ command: "start", description: "What this bot does" }]);
    expect(await bot.api.getMyCommands()).toEqual(tg.commands);
  });

  it("keeps the history of edits to one progress message", async () => {
    bot = await startPollingBot(tg, (b) =>
      b.on("message:text", async (ctx) => {
        await ctx.replyWithChatAction("typing");
        const progress = await ctx.reply("Queued");
        for (const stage of ["Downloading...", "Summarising...", "Saved to Recipes: Pasta"]) {
          await ctx.api.editMessageText(ctx.chat.id, progress.message_id, stage);
        }
      }),
    );
    const alice = tg.user(1, { firstName: "Alice" });
    alice.sendText("https://www.tiktok.com/@chef/video/1");
    await alice.waitForBot((e) => e.text === "Saved to Recipes: Pasta");
    const progress = alice.transcript().at(-1)!;
    expect(progress).toMatchObject({ from: "bot", text: "Saved to Recipes: Pasta", messageId: 2 });
    expect(progress.edits).toEqual(["Downloading...", "Summarising...", "Saved to Recipes: Pasta"]);
    expect(tg.events.some((e) => e.kind === "chat-action" && e.data === "typing")).toBe(true);
  });

  it("turns a button press into a callback query the bot answers and acts on", async () => {
    bot = await startPollingBot(tg, (b) => {
      b.command("tag", (ctx) =>
        ctx.reply("Choose a database", {
          reply_markup: new InlineKeyboard().text("Recipes", "tag:recipes").text("Travel", "tag:travel").row().url("Open Notion", "https://www.notion.so"),
        }),
      );
      b.callbackQuery(/^tag:(.+)$/, async (ctx) => {
        await ctx.answerCallbackQuery({ text: "Saved" });
        await ctx.editMessageText(`Current database: ${ctx.match[1]}`);
      });
    });
    const alice = tg.user(1, { firstName: "Alice" });
    alice.sendText("/tag");
    const picker = await alice.waitForBot();
    expect(picker.buttons).toEqual([
      [{ text: "Recipes", data: "tag:recipes" }, { text: "Travel", data: "tag:travel" }],
      [{ text: "Open Notion", url: "https://www.notion.so" }],
    ]);
    expect(alice.pressButton(picker.messageId!, "Open Notion")).toEqual({ kind: "url", url: "https://www.notion.so" });
    const press = alice.pressButton("Choose a database", "Travel");
    expect(press.kind).toBe("callback");
    const edit = await alice.waitForBot((e) => e.kind === "bot-edit");
    expect(edit.text).toBe("Current database: travel");
    // An edit without reply_markup removes the keyboard, as on Telegram.
    expect(alice.transcript().at(-1)!.buttons).toBeUndefined();
    expect(tg.callbackAnswers).toEqual([expect.objectContaining({ userId: 1, data: "tag:travel", text: "Saved", showAlert: false })]);
  });

  it("delivers captions of videos and photos, and forwarded posts with their origin", async () => {
    const seen: string[] = [];
    bot = await startPollingBot(tg, (b) =>
      b.on("message", async (ctx) => {
        const kind = ctx.msg.video ? "video" : ctx.msg.photo ? "photo" : ctx.msg.forward_origin ? `forward from ${ctx.msg.forward_origin.type}` : "text";
        seen.push(`${kind}: ${ctx.msg.caption ?? ctx.msg.text} [${(ctx.entities("url")).map((e) => e.text).join(",")}]`);
        await ctx.reply("ok");
      }),
    );
    const alice = tg.user(1, { firstName: "Alice" });
    alice.sendCaption("look https://vm.tiktok.com/ZM123/ #recipes");
    await alice.waitForBot();
    alice.sendCaption("a photo", { media: "photo" });
    await alice.waitForBot();
    alice.forward("https://www.instagram.com/reel/abc/", { fromChat: { id: -1001, title: "Food channel" } });
    await alice.waitForBot();
    expect(seen).toEqual([
      "video: look https://vm.tiktok.com/ZM123/ #recipes [https://vm.tiktok.com/ZM123/]",
      "photo: a photo []",
      "forward from channel: https://www.instagram.com/reel/abc/ [https://www.instagram.com/reel/abc/]",
    ]);
  });

  it("shows group messages and the bot's reply in the group's own transcript", async () => {
    bot = await startPollingBot(tg, (b) =>
      b.on("message", (ctx) => (ctx.chat.type === "private" ? ctx.reply("hi") : ctx.reply("Please write to me in a private chat."))),
    );
    const alice = tg.user(1, { firstName: "Alice" });
    alice.sendInGroup("https://www.tiktok.com/@a/video/2", -100200, { title: "Friends" });
    const reply = await alice.waitForBot();
    expect(reply.chatId).toBe(-100200);
    expect(tg.transcript(-100200).map((e) => [e.from, e.text])).toEqual([
      ["user", "https://www.tiktok.com/@a/video/2"],
      ["bot", "Please write to me in a private chat."],
    ]);
    expect(alice.transcript()).toEqual([]);
  });

  it("removes deleted messages from what the user sees", async () => {
    bot = await startPollingBot(tg, (b) =>
      b.on("message:text", async (ctx) => {
        const temp = await ctx.reply("working");
        await ctx.api.deleteMessage(ctx.chat.id, temp.message_id);
        await ctx.reply("done");
      }),
    );
    const alice = tg.user(1, { firstName: "Alice" });
    alice.sendText("go");
    await alice.waitForBot((e) => e.text === "done");
    expect(alice.transcript().map((e) => e.text)).toEqual(["go", "done"]);
    await expect(bot.api.deleteMessage(1, 2)).rejects.toThrow("Bad Request: message to delete not found");
  });
});

describe("getUpdates, called directly", () => {
  const call = async (method: string, params: Record<string, unknown> = {}) => {
    const response = await fetch(`${tg.url}/bot${TOKEN}/${method}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(params),
    });
    return (await response.json()) as { ok: boolean; result?: { update_id: number; message?: { text: string } }[]; error_code?: number; description?: string };
  };

  it("returns updates until an offset above them confirms them", async () => {
    const alice = tg.user(1, { firstName: "Alice" });
    const first = alice.sendText("one");
    alice.sendText("two");
    const all = await call("getUpdates");
    expect(all.result!.map((u) => u.message!.text)).toEqual(["one", "two"]);
    const limited = await call("getUpdates", { limit: 1 });
    expect(limited.result!.map((u) => u.update_id)).toEqual([first.updateId]);
    const rest = await call("getUpdates", { offset: first.updateId + 1 });
    expect(rest.result!.map((u) => u.message!.text)).toEqual(["two"]);
    expect((await call("getUpdates")).result!.map((u) => u.message!.text)).toEqual(["two"]);
  });

  it("holds a long poll open until an update arrives", async () => {
    const alice = tg.user(1, { firstName: "Alice" });
    const poll = call("getUpdates", { timeout: 5 });
    await new Promise((r) => setTimeout(r, 50));
    alice.sendText("late");
    expect((await poll).result!.map((u) => u.message!.text)).toEqual(["late"]);
  });

  it("answers an empty list when the long poll times out", async () => {
    expect(await call("getUpdates", { timeout: 1 })).toEqual({ ok: true, result: [] });
  });

  it("ends an older poll with 409 when a second one arrives", async () => {
    const older = call("getUpdates", { timeout: 5 });
    await new Promise((r) => setTimeout(r, 50));
    const newer = call("getUpdates", { timeout: 0 });
    expect(await older).toEqual({
      ok: false,
      error_code: 409,
      description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    });
    expect((await newer).ok).toBe(true);
  });

  it("refuses getUpdates with 409 while a webhook is set", async () => {
    await call("setWebhook", { url: "http://127.0.0.1:9/hook" });
    expect(await call("getUpdates")).toEqual({
      ok: false,
      error_code: 409,
      description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    });
  });
});

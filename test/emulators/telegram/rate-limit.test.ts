import { autoRetry } from "@grammyjs/auto-retry";
import { Bot, GrammyError } from "grammy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTelegramEmulator, type TelegramEmulator } from "./index.ts";
import { startPollingBot } from "./polling-bot.ts";

const TOKEN = "123456:test-token";
let tg: TelegramEmulator;
let bot: Bot | undefined;

beforeEach(async () => {
  tg = await startTelegramEmulator({ token: TOKEN });
});

afterEach(async () => {
  await bot?.stop();
  bot = undefined;
  await tg.stop();
});

describe("Telegram emulator flood control", () => {
  it("answers 429 with retry_after in Telegram's error shape", async () => {
    const api = new Bot(TOKEN, { client: { apiRoot: tg.url } }).api;
    tg.user(1, { firstName: "Alice" }).sendText("hi");
    tg.rateLimit("sendMessage", { retryAfterSeconds: 7 });
    const error = await api.sendMessage(1, "hello").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GrammyError);
    expect((error as GrammyError).error_code).toBe(429);
    expect((error as GrammyError).description).toBe("Too Many Requests: retry after 7");
    expect((error as GrammyError).parameters).toEqual({ retry_after: 7 });
    expect((await api.sendMessage(1, "hello")).text).toBe("hello");
  });

  it("limits only the named method, so polling goes on while edits are refused", async () => {
    bot = await startPollingBot(tg, (b) => {
      b.api.config.use(autoRetry());
      b.on("message:text", async (ctx) => {
        const progress = await ctx.reply("Queued");
        for (const stage of ["Downloading...", "Transcribing...", "Saved"]) {
          await ctx.api.editMessageText(ctx.chat.id, progress.message_id, stage);
        }
      });
    });
    tg.rateLimit("editMessageText", { times: 2, retryAfterSeconds: 1 });
    const alice = tg.user(1, { firstName: "Alice" });
    alice.sendText("https://www.tiktok.com/@a/video/3");
    await alice.waitForBot((e) => e.text === "Saved", 10_000);
    expect(alice.transcript().at(-1)!.edits).toEqual(["Downloading...", "Transcribing...", "Saved"]);
    const refused = tg.requests.filter((r) => r.fault === "429");
    expect(refused.map((r) => r.path)).toEqual([`/bot${TOKEN}/editMessageText`, `/bot${TOKEN}/editMessageText`]);
  });

  it("answers injected server errors in the same shape", async () => {
    const api = new Bot(TOKEN, { client: { apiRoot: tg.url } }).api;
    tg.failMethod("getMe", { kind: "500" });
    const error = (await api.getMe().catch((e: unknown) => e)) as GrammyError;
    expect([error.error_code, error.description]).toEqual([500, "Internal Server Error"]);
  });
});

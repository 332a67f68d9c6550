import { once } from "node:events";
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Bot, webhookCallback } from "grammy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTelegramEmulator, type TelegramEmulator } from "./index.ts";

const TOKEN = "123456:test-token";
let tg: TelegramEmulator;
let hook: Server | undefined;

beforeEach(async () => {
  tg = await startTelegramEmulator({ token: TOKEN, webhook: { retryDelaysMs: [20, 20, 20] } });
});

afterEach(async () => {
  hook?.closeAllConnections();
  hook?.close();
  hook = undefined;
  await tg.stop();
});

/** Serves `listener` on a random local port and returns its URL. */
async function serveWebhook(listener: RequestListener): Promise<string> {
  hook = createServer(listener);
  hook.listen(0, "127.0.0.1");
  await once(hook, "listening");
  return `http://127.0.0.1:${(hook.address() as AddressInfo).port}/telegram`;
}

function echoBot(options: ConstructorParameters<typeof Bot>[1] = {}): Bot {
  const bot = new Bot(TOKEN, { ...options, client: { apiRoot: tg.url, ...options.client } });
  bot.on("message:text", (ctx) => ctx.reply(`echo: ${ctx.msg.text}`));
  return bot;
}

describe("Telegram emulator in webhook mode", () => {
  it("refuses setWebhook on an https port other than 443, 80, 88 or 8443, as the Bot API does", async () => {
    const bot = echoBot();
    const refusal = await bot.api.setWebhook("https://bot.example.com:8080/telegram/webhook").catch((e: unknown) => e);
    expect(refusal).toMatchObject({ error_code: 400, description: "Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443" });
    expect(await bot.api.setWebhook("https://bot.example.com:8443/telegram/webhook")).toBe(true);
  });

  it("POSTs updates with the secret header to the URL set by setWebhook", async () => {
    const bot = echoBot();
    const url = await serveWebhook(webhookCallback(bot, "http", { secretToken: "s3cret_token" }));
    expect(await bot.api.setWebhook(url, { secret_token: "s3cret_token" })).toBe(true);
    expect(tg.webhookInfo).toMatchObject({ url, pending_update_count: 0, max_connections: 40 });

    const alice = tg.user(1, { firstName: "Alice" });
    alice.sendText("hello");
    expect((await alice.waitForBot()).text).toBe("echo: hello");
    // The bot replies before it answers the delivery, so the status arrives a moment later.
    await expect.poll(() => tg.webhookAttempts).toEqual([expect.objectContaining({ attempt: 1, status: 200, secretToken: "s3cret_token" })]);
    expect(await bot.api.getWebhookInfo()).toMatchObject({ url, pending_update_count: 0 });
  });

  it("retries a delivery the bot answered with an error, then succeeds", async () => {
    const bot = echoBot();
    const handle = webhookCallback(bot, "http");
    let failuresLeft = 2;
    const url = await serveWebhook((req, res) => {
      if (failuresLeft-- > 0) res.writeHead(500).end();
      else void handle(req, res);
    });
    await bot.api.setWebhook(url);
    const alice = tg.user(1, { firstName: "Alice" });
    alice.sendText("again");
    expect((await alice.waitForBot()).text).toBe("echo: again");
    await expect.poll(() => tg.webhookAttempts.map((a) => a.status)).toEqual([500, 500, 200]);
    expect(tg.webhookInfo.last_error_message).toBe("Wrong response from the webhook: 500 Internal Server Error");
  });

  it("gives up after its retries when the bot keeps refusing a wrong secret", async () => {
    const bot = echoBot();
    const url = await serveWebhook(webhookCallback(bot, "http", { secretToken: "expected" }));
    await bot.api.setWebhook(url, { secret_token: "something_else" });
    const sent = tg.user(1, { firstName: "Alice" }).sendText("spoofed?");
    await expect.poll(() => tg.webhookInfo.pending_update_count).toBe(0);
    expect(tg.webhookAttempts.map((a) => [a.updateId, a.status])).toEqual([
      [sent.updateId, 401],
      [sent.updateId, 401],
      [sent.updateId, 401],
      [sent.updateId, 401],
    ]);
    expect(tg.transcript(1).filter((e) => e.from === "bot")).toEqual([]);
  });

  it("runs a method the bot returns in its webhook answer", async () => {
    const bot = echoBot({ client: { canUseWebhookReply: (method) => method === "sendMessage" } });
    const url = await serveWebhook(webhookCallback(bot, "http"));
    await bot.api.setWebhook(url);
    const alice = tg.user(1, { firstName: "Alice" });
    alice.sendText("reply inline");
    expect((await alice.waitForBot()).text).toBe("echo: reply inline");
    expect(tg.calls("sendMessage")).toEqual([expect.objectContaining({ chat_id: 1, text: "echo: reply inline" })]);
  });

  it("keeps updates for getUpdates once the webhook is deleted", async () => {
    const api = new Bot(TOKEN, { client: { apiRoot: tg.url } }).api;
    await api.setWebhook("http://127.0.0.1:9/unreachable");
    await api.deleteWebhook();
    tg.user(1, { firstName: "Alice" }).sendText("queued");
    expect((await api.getUpdates()).map((u) => u.message?.text)).toEqual(["queued"]);
    expect(await api.getWebhookInfo()).toEqual({ url: "", has_custom_certificate: false, pending_update_count: 1 });
  });
});

import { once } from "node:events";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mountTelegramWebhook, TELEGRAM_WEBHOOK_PATH } from "../../web-oauth/telegram-webhook.ts";

const SECRET = "webhook-secret-0123456789";
const handled: unknown[] = [];
let server: Server;
let url: string;

beforeAll(async () => {
  const app = express();
  mountTelegramWebhook(app, { secret: SECRET, handle: async (update) => (handled.push(update), "handled") });
  server = app.listen(0, "127.0.0.1");
  await once(server, "listening");
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${TELEGRAM_WEBHOOK_PATH}`;
});
afterAll(() => void server.close());

const post = (body: string, secret?: string) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json", ...(secret && { "x-telegram-bot-api-secret-token": secret }) }, body });

describe("Telegram webhook secret", () => {
  it("refuses a wrong secret before reading the body: broken or oversized JSON gets 401, not a parse error", async () => {
    expect((await post("{not json", "wrong-secret-0123456789")).status).toBe(401);
    expect((await post(`{"update_id":1,"pad":"${"x".repeat(2 * 1024 * 1024)}"}`)).status).toBe(401);
    expect(handled).toEqual([]);
  });

  it("reads the body once the secret matches", async () => {
    expect((await post("{not json", SECRET)).status).toBe(400);
    expect((await post('{"update_id":7}', SECRET)).status).toBe(200);
    expect(handled).toEqual([{ update_id: 7 }]);
  });
});

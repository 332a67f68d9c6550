import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BOT_TOKEN, startTelegramWorld, type TelegramWorld } from "./telegram-world.ts";

const SECRET = "webhook-secret-0123456789";
const PUBLIC_URL = "https://reelnotes.example";

let w: TelegramWorld;
let webhookOnSite: string;

beforeAll(async () => {
  w = await startTelegramWorld({ env: { PUBLIC_URL, TELEGRAM_WEBHOOK_SECRET: SECRET } });
  webhookOnSite = `http://127.0.0.1:${w.service.port}/telegram/webhook`;
});
afterAll(async () => w?.stop());

/** Points Telegram's deliveries at this test's site, as the proxy in front of PUBLIC_URL would. */
async function deliverTo(url: string, secret: string): Promise<void> {
  const response = await fetch(`${w.tg.url}/bot${BOT_TOKEN}/setWebhook`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ url, secret_token: secret }),
  });
  expect(response.status).toBe(200);
}

const attemptsFor = (updateId: number) => w.tg.webhookAttempts.filter((a) => a.updateId === updateId);

function post(body: unknown, secret?: string): Promise<Response> {
  return fetch(webhookOnSite, {
    method: "POST",
    headers: { "content-type": "application/json", ...(secret === undefined ? {} : { "X-Telegram-Bot-Api-Secret-Token": secret }) },
    body: JSON.stringify(body),
  });
}

const helpUpdate = (updateId: number, userId: number) => ({
  update_id: updateId,
  message: {
    message_id: 1,
    date: Math.floor(Date.now() / 1000),
    from: { id: userId, is_bot: false, first_name: "Mo" },
    chat: { id: userId, type: "private", first_name: "Mo" },
    text: "/help",
    entities: [{ type: "bot_command", offset: 0, length: 5 }],
  },
});

describe("Telegram webhook mode (https PUBLIC_URL and TELEGRAM_WEBHOOK_SECRET)", () => {
  it("sets the webhook with the secret at boot and does not poll", () => {
    expect(w.tg.calls("setWebhook")[0]).toMatchObject({ url: `${PUBLIC_URL}/telegram/webhook`, secret_token: SECRET });
    expect(w.tg.calls("getUpdates")).toEqual([]);
  });

  it("answers 401 to an update with a wrong or missing secret and handles nothing", async () => {
    expect((await post(helpUpdate(900_001, 801), "not-the-secret-at-all")).status).toBe(401);
    expect((await post(helpUpdate(900_002, 801))).status).toBe(401);
    expect((await post(helpUpdate(900_003, 801), `${SECRET}x`)).status).toBe(401);
    // An accepted update is answered only after it is handled, so nothing is still running here.
    expect(w.tg.calls("sendMessage")).toEqual([]);
    expect(await w.service.db.prisma.chatIdentity.count({ where: { externalUserId: "801" } })).toBe(0);
  });

  it("leaves updates Telegram delivers with a stale secret unhandled", async () => {
    await deliverTo(webhookOnSite, "an-old-secret-from-before");
    const mo = w.tg.user(802, { firstName: "Mo" });
    const sent = mo.sendText("/help");
    await expect.poll(() => attemptsFor(sent.updateId).length, { timeout: 5_000 }).toBe(5);
    // Every answer was a refusal (an attempt that timed out under load has no status, and was not handled either).
    const answered = attemptsFor(sent.updateId).filter((a) => a.status !== undefined);
    expect(answered.length).toBeGreaterThan(0);
    expect(answered.every((a) => a.status === 401)).toBe(true);
    expect(mo.transcript().filter((m) => m.from === "bot")).toEqual([]);
  });

  it("handles updates delivered with the right secret, and a redelivered update only once", async () => {
    await deliverTo(webhookOnSite, SECRET);
    const no = w.tg.user(803, { firstName: "No" });
    const sent = no.sendText("/help");
    expect((await no.waitForBot()).text).toContain("Send me a TikTok or Instagram video link and I save it to Notion.");
    // The answer to Telegram comes once the update is handled, so after the reply.
    await expect.poll(() => attemptsFor(sent.updateId).map((a) => a.status)).toEqual([200]);

    // Telegram sends an update again when our answer was lost; the bot must not answer twice.
    const again = { ...helpUpdate(sent.updateId, 803), message: { ...helpUpdate(sent.updateId, 803).message, message_id: sent.messageId } };
    expect((await post(again, SECRET)).status).toBe(200);
    no.sendText("hello");
    expect((await no.waitForBot()).text).toBe("Send me a TikTok or Instagram video link, or /help to see what I can do.");
    expect(no.transcript().filter((m) => m.from === "bot")).toHaveLength(2);
  });

  it("answers a link only after its job exists, and a crash before marking it handled makes no second job", async () => {
    await deliverTo(webhookOnSite, SECRET);
    const po = w.tg.user(804, { firstName: "Po" });
    const link = "https://www.tiktok.com/@chef/video/7301234567890123999";
    const sent = po.sendText(link);
    await po.waitForBot((e) => e.text === `Queued: ${link}`);
    await expect.poll(() => attemptsFor(sent.updateId).map((a) => a.status)).toEqual([200]);
    const jobsOfPo = () => w.service.db.prisma.job.findMany({ where: { identity: { externalUserId: "804" } } });
    expect(await jobsOfPo()).toHaveLength(1);

    // The process died after handling but before marking: the mark is missing and Telegram delivers again.
    await w.service.state.delete(`tg-update:${sent.updateId}`);
    const again = { ...helpUpdate(sent.updateId, 804), message: { ...helpUpdate(sent.updateId, 804).message, message_id: sent.messageId, text: link, entities: [] } };
    expect((await post(again, SECRET)).status).toBe(200);
    expect((await po.waitForBot((e) => e.text?.startsWith("Already working on") ?? false)).text).toContain(link);
    expect(await jobsOfPo()).toHaveLength(1);
    expect((await post(again, SECRET)).status).toBe(200);
    expect(await jobsOfPo()).toHaveLength(1);
  });
});

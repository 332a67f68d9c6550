import { timingSafeEqual } from "node:crypto";
import express, { type Express, type RequestHandler } from "express";

/** Where Telegram posts updates in webhook mode. */
export const TELEGRAM_WEBHOOK_PATH = "/telegram/webhook";

function sameSecret(given: string | undefined, expected: string): boolean {
  const a = Buffer.from(given ?? "");
  const b = Buffer.from(expected);
  // Compare in constant time; a length mismatch is refused without comparing.
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Mounts the Telegram webhook: 401 unless `X-Telegram-Bot-Api-Secret-Token` matches; 200 once
 * the update is handled (or was before); 503 while another instance holds it and 500 when
 * handling failed, so Telegram delivers it again.
 */
export function mountTelegramWebhook(app: Express, options: { secret: string; handle(update: unknown): Promise<string> }): void {
  // The secret is checked before the body is read: a stranger's megabyte of JSON is never parsed.
  const checkSecret: RequestHandler = (req, res, next) => {
    if (sameSecret(req.get("x-telegram-bot-api-secret-token"), options.secret)) return next();
    res.status(401).set("connection", "close").type("text/plain").send("Unauthorized.");
  };
  app.post(TELEGRAM_WEBHOOK_PATH, checkSecret, express.json({ limit: "1mb" }), async (req, res) => {
    const outcome = await options.handle(req.body);
    if (outcome === "being-handled") {
      res.status(503).type("text/plain").send("Being handled; try again later.");
      return;
    }
    res.status(200).json({ ok: true });
  });
}

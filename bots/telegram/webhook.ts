import type { Update } from "grammy/types";
import { z } from "zod";
import type { Logger } from "../../src/log.ts";
import type { StateStore } from "../../src/state/index.ts";

/** How long a handled update id is remembered: Telegram gives up redelivering well within an hour. */
const HANDLED_UPDATE_TTL_SECONDS = 3600;

/**
 * How long one instance holds an update it is handling. A crashed instance's hold runs out,
 * and Telegram's next redelivery is handled elsewhere.
 */
const HANDLING_HOLD_SECONDS = 120;

const updateShape = z.looseObject({ update_id: z.number().int().nonnegative() });

/** What the web site answers Telegram for one delivery. */
export type WebhookOutcome = "handled" | "seen-before" | "being-handled" | "ignored";

/** Telegram posts updates here in webhook mode; https only, so never on a plain local address. */
export function webhookUrlFor(publicUrl: string): string | undefined {
  return publicUrl.startsWith("https://") ? `${publicUrl.replace(/\/+$/, "")}/telegram/webhook` : undefined;
}

/**
 * Handles one update the web site received (secret already checked), once across every
 * instance. The update is marked handled only after `handle` has finished, so a crash at any
 * point before leaves it unanswered and Telegram delivers it again; a crash between finishing
 * and marking re-runs it, which the chat core tolerates (a link already taken becomes
 * "already working on it", never a second job). A failure in `handle` rejects, so the site
 * answers 500 and Telegram redelivers.
 */
export function createWebhookHandler(handle: (update: Update) => Promise<void>, state: StateStore, log: Logger): (update: unknown) => Promise<WebhookOutcome> {
  return async (body) => {
    const parsed = updateShape.safeParse(body);
    if (!parsed.success) {
      log.warn("a webhook request without an update_id; ignored");
      return "ignored";
    }
    const id = parsed.data.update_id;
    const handledKey = `tg-update:${id}`;
    const holdKey = `tg-update-hold:${id}`;
    if ((await state.get(handledKey)) !== undefined) {
      log.debug({ updateId: id }, "a Telegram update handled before; ignored");
      return "seen-before";
    }
    if (!(await state.setIfAbsent(holdKey, "1", HANDLING_HOLD_SECONDS))) return "being-handled";
    try {
      await handle(parsed.data as unknown as Update);
      await state.set(handledKey, "1", HANDLED_UPDATE_TTL_SECONDS);
    } finally {
      await state.delete(holdKey).catch((error: unknown) => log.warn({ err: error, updateId: id }, "could not release a Telegram update's hold"));
    }
    return "handled";
  };
}

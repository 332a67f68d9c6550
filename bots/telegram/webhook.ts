import type { Bot } from "grammy";
import type { Update } from "grammy/types";
import { z } from "zod";
import type { Logger } from "../../src/log.ts";
import type { StateStore } from "../../src/state/index.ts";

/** How long an update id is remembered: Telegram gives up redelivering well within an hour. */
const SEEN_UPDATE_TTL_SECONDS = 3600;

const updateShape = z.looseObject({ update_id: z.number().int().nonnegative() });

/** Telegram posts updates here in webhook mode; https only, so never on a plain local address. */
export function webhookUrlFor(publicUrl: string): string | undefined {
  return publicUrl.startsWith("https://") ? `${publicUrl.replace(/\/+$/, "")}/telegram/webhook` : undefined;
}

/**
 * Handles one update the web site received (secret already checked). Each update id is
 * handled once across every instance: Telegram redelivers when an answer is slow or lost.
 */
export function createWebhookHandler(bot: Bot, state: StateStore, log: Logger): (update: unknown) => Promise<void> {
  return async (body) => {
    const parsed = updateShape.safeParse(body);
    if (!parsed.success) {
      log.warn("a webhook request without an update_id; ignored");
      return;
    }
    const id = parsed.data.update_id;
    if (!(await state.setIfAbsent(`tg-update:${id}`, "1", SEEN_UPDATE_TTL_SECONDS))) {
      log.debug({ updateId: id }, "a Telegram update seen before; ignored");
      return;
    }
    await bot.handleUpdate(parsed.data as unknown as Update);
  };
}

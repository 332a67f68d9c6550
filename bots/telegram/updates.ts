import type { Bot } from "grammy";
import type { ChatAdapter, Reply } from "../../src/chat/adapter.ts";
import type { ChatCore } from "../../src/chat/core.ts";
import { isStoreUnavailable } from "../../src/errors.ts";
import { languageOf, translator } from "../../src/i18n/index.ts";
import type { Logger } from "../../src/log.ts";
import type { StateStore } from "../../src/state/index.ts";
import type { ChatOrder } from "./chat-order.ts";
import { TELEGRAM_DOWNLOAD_LIMIT_BYTES, TELEGRAM_TOO_BIG, videoFileOf } from "./files.ts";
import { senderOf } from "./sender.ts";

/** The updates the bot asks Telegram for; everything else never reaches it. */
export const ALLOWED_UPDATES = ["message", "callback_query"] as const;

/** Waits before handling an update again when the database or Redis did not answer: about two minutes in all. */
const STORE_RETRY_DELAYS_MS = [500, 1000, 2000, 4000, 8000, 15_000, 30_000, 60_000];

/** A group hears the "private chats only" sentence once; a year is "once" for a group. */
const GROUP_NOTICE_TTL_SECONDS = 365 * 24 * 3600;

/** What routing needs: the core to hand updates to, the adapter to answer with, the store for group notices. */
export interface UpdateDeps {
  chat: ChatCore;
  adapter: ChatAdapter;
  state: StateStore;
  log: Logger;
  order: ChatOrder;
  /**
   * Webhook mode: an update counts as handled only when its work has finished, so handling
   * resolves then (and fails with it). Long polling moves on at once and logs failures.
   */
  waitForHandling: boolean;
}

const replyIn =
  (adapter: ChatAdapter, chatId: number): Reply =>
  (message) =>
    adapter.send(String(chatId), message);

/**
 * Wires Telegram updates to the chat core: private messages (text, captions, forwards) and
 * commands go to `handleText`, button presses to `handleButton`; a group gets one pointer to
 * a private chat and then silence.
 */
export function routeUpdates(bot: Bot, deps: UpdateDeps): void {
  const { chat, adapter, state, log, order } = deps;

  const retries = new Map<number, number>();
  // Handle each chat in order but chats side by side; the poll loop moves on at once.
  bot.use((ctx, next) => {
    const handled = order.run(String(ctx.chat?.id ?? ctx.from?.id ?? "unknown"), next);
    if (deps.waitForHandling) return handled;
    const updateId = ctx.update.update_id;
    handled.then(
      () => retries.delete(updateId),
      (error: unknown) => {
        // Telegram will not send a polled update again: while our database or Redis restarts, we try it again ourselves.
        const attempt = (retries.get(updateId) ?? 0) + 1;
        if (!isStoreUnavailable(error) || attempt > STORE_RETRY_DELAYS_MS.length) {
          retries.delete(updateId);
          log.error({ err: error, updateId }, "a Telegram update failed");
          return;
        }
        retries.set(updateId, attempt);
        log.warn({ err: error, updateId, attempt }, "a Telegram update waits for the database or Redis");
        setTimeout(() => void bot.handleUpdate(ctx.update), STORE_RETRY_DELAYS_MS[attempt - 1]).unref();
      },
    );
  });

  bot.on("callback_query", async (ctx, next) => {
    // Stop the button's spinner whatever happens next.
    await ctx.answerCallbackQuery().catch((error: unknown) => log.warn({ err: error }, "could not answer a callback query"));
    await next();
  });

  const inPrivate = bot.chatType("private");
  inPrivate.on("message", async (ctx) => {
    // Stickers and photos without a caption get the core's hint, never silence.
    const text = ctx.msg.text ?? ctx.msg.caption ?? "";
    const video = videoFileOf(ctx.msg);
    if (video && (video.file.sizeBytes ?? 0) > TELEGRAM_DOWNLOAD_LIMIT_BYTES) {
      return chat.refuseFile(senderOf(ctx.from, ctx.chat), text, TELEGRAM_TOO_BIG, replyIn(adapter, ctx.chat.id));
    }
    if (video) return chat.handleVideoFiles(senderOf(ctx.from, ctx.chat), [video], text, replyIn(adapter, ctx.chat.id));
    await chat.handleText(senderOf(ctx.from, ctx.chat), text, replyIn(adapter, ctx.chat.id));
  });
  inPrivate.on("callback_query:data", async (ctx) => {
    await chat.handleButton(senderOf(ctx.from, ctx.chat), ctx.callbackQuery.data, replyIn(adapter, ctx.chat.id));
  });

  bot.chatType(["group", "supergroup"]).on("message", async (ctx) => {
    const groupId = ctx.chat.id;
    if (await state.setIfAbsent(`tg-group:${groupId}`, "1", GROUP_NOTICE_TTL_SECONDS)) {
      // A group has no person to ask; the language of whoever wrote first will do.
      await adapter.send(String(groupId), { text: translator(languageOf(ctx.from?.language_code) ?? "en")("groupChat") });
    }
  });
}

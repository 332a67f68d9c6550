import { GrammyError, type Api } from "grammy";
import type { ChatAdapter } from "../../src/chat/adapter.ts";
import { toTelegramMessage } from "./message-html.ts";

/** Link previews would repeat every video link the bot echoes; the page link has its button. */
const NO_PREVIEW = { is_disabled: true } as const;

function isNotModified(error: unknown): boolean {
  return error instanceof GrammyError && error.description.includes("message is not modified");
}

/** The ChatAdapter over the Bot API: messages in HTML parse mode with inline keyboards. */
export function createTelegramAdapter(api: Api): ChatAdapter {
  return {
    platform: "TELEGRAM",
    async send(chatId, message) {
      const { html, replyMarkup } = toTelegramMessage(message);
      const sent = await api.sendMessage(chatId, html, { parse_mode: "HTML", reply_markup: replyMarkup, link_preview_options: NO_PREVIEW });
      return { chatId: String(sent.chat.id), messageId: String(sent.message_id) };
    },
    async edit(chatId, messageId, message) {
      const { html, replyMarkup } = toTelegramMessage(message);
      try {
        // Without reply_markup Telegram drops the old keyboard, which is what a new state wants.
        await api.editMessageText(chatId, Number(messageId), html, { parse_mode: "HTML", reply_markup: replyMarkup, link_preview_options: NO_PREVIEW });
      } catch (error) {
        // Two processes (or a retried stage) may write the same state; that is not a failure.
        if (!isNotModified(error)) throw error;
      }
    },
    async typing(chatId) {
      await api.sendChatAction(chatId, "typing");
    },
  };
}

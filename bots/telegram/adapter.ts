import { GrammyError, type Api } from "grammy";
import { RecipientUnreachableError, type ChatAdapter } from "../../src/chat/adapter.ts";
import { toTelegramMessage } from "./message-html.ts";

/** Link previews would repeat every video link the bot echoes; the page link has its button. */
const NO_PREVIEW = { is_disabled: true } as const;

function isNotModified(error: unknown): boolean {
  return error instanceof GrammyError && error.description.includes("message is not modified");
}

/** 403 in a private chat: the person blocked the bot or deleted their account. */
async function reachable<T>(chatId: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof GrammyError && error.error_code === 403) throw new RecipientUnreachableError("TELEGRAM", chatId, error.description, { cause: error });
    throw error;
  }
}

/** The ChatAdapter over the Bot API: messages in HTML parse mode with inline keyboards. */
export function createTelegramAdapter(api: Api): ChatAdapter {
  return {
    platform: "TELEGRAM",
    async send(chatId, message) {
      const { html, replyMarkup } = toTelegramMessage(message);
      const sent = await reachable(chatId, () =>
        api.sendMessage(chatId, html, { parse_mode: "HTML", reply_markup: replyMarkup, link_preview_options: NO_PREVIEW }),
      );
      return { chatId: String(sent.chat.id), messageId: String(sent.message_id) };
    },
    async edit(chatId, messageId, message) {
      const { html, replyMarkup } = toTelegramMessage(message);
      try {
        // Without reply_markup Telegram drops the old keyboard, which is what a new state wants.
        await reachable(chatId, () =>
          api.editMessageText(chatId, Number(messageId), html, { parse_mode: "HTML", reply_markup: replyMarkup, link_preview_options: NO_PREVIEW }),
        );
      } catch (error) {
        // Two processes (or a retried stage) may write the same state; that is not a failure.
        if (!isNotModified(error)) throw error;
      }
    },
    async typing(chatId) {
      await reachable(chatId, () => api.sendChatAction(chatId, "typing"));
    },
  };
}

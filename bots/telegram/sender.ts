import type { Chat, User } from "grammy/types";
import type { ChatSender } from "../../src/chat/adapter.ts";

/** The person behind a Telegram update, as the chat core knows senders. */
export function senderOf(from: User, chat: Pick<Chat, "id">): ChatSender {
  // The handle names the account unmistakably (the connect page asks "Telegram user @ada?"); a name when there is none.
  const name = from.username ? `@${from.username}` : [from.first_name, from.last_name].filter(Boolean).join(" ");
  return {
    platform: "TELEGRAM",
    externalUserId: String(from.id),
    chatId: String(chat.id),
    ...(name ? { displayName: name } : {}),
    ...(from.language_code ? { languageCode: from.language_code } : {}),
  };
}

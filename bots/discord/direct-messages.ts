import { ChannelType, type Message } from "discord.js";
import type { ChatAdapter } from "../../src/chat/adapter.ts";
import type { ChatCore } from "../../src/chat/core.ts";
import type { Logger } from "../../src/log.ts";
import { senderOf } from "./sender.ts";

/**
 * Hands every message a person writes in their DM with the bot to the chat core, answering in
 * the same DM. Bots (this one included) and anything outside DMs are ignored.
 */
export function createDirectMessageListener(chat: ChatCore, adapter: ChatAdapter, log: Logger): (message: Message) => void {
  return (message) => {
    if (message.author.bot || message.channel.type !== ChannelType.DM) return;
    const chatId = message.channelId;
    chat.handleText(senderOf(message.author, chatId), message.content, (outgoing) => adapter.send(chatId, outgoing)).catch((error: unknown) => {
      log.error({ err: error, userId: message.author.id }, "a Discord direct message could not be handled");
    });
  };
}

import { type REST, Routes } from "discord.js";
import { z } from "zod";
import type { ChatAdapter } from "../../src/chat/adapter.ts";
import { callDiscord } from "./failures.ts";
import { toDiscordMessage } from "./outgoing.ts";

const createdMessage = z.object({ id: z.string() });

/**
 * The ChatAdapter over Discord's REST API: a chat is a DM channel id. Works in every process,
 * with or without a gateway connection; rate limits are left to the REST manager's queues.
 */
export function createDiscordAdapter(rest: REST): ChatAdapter {
  return {
    platform: "DISCORD",
    async send(chatId, message) {
      const sent = await callDiscord(() => rest.post(Routes.channelMessages(chatId), { body: toDiscordMessage(message) }), chatId);
      return { chatId, messageId: createdMessage.parse(sent).id };
    },
    async edit(chatId, messageId, message) {
      await callDiscord(() => rest.patch(Routes.channelMessage(chatId, messageId), { body: toDiscordMessage(message) }), chatId);
    },
    async typing(chatId) {
      await callDiscord(() => rest.post(Routes.channelTyping(chatId)), chatId);
    },
  };
}

import { ChannelType, type Message } from "discord.js";
import type { ChatAdapter, Reply } from "../../src/chat/adapter.ts";
import type { ChatCore } from "../../src/chat/core.ts";
import type { Logger } from "../../src/log.ts";
import { DISCORD_SENT_FILE_LIMIT_BYTES, sentVideoOf, videoAttachmentsOf } from "./files.ts";
import { senderOf } from "./sender.ts";

/** What a person hears about an attachment over the limit. */
const TOO_BIG = { key: "fileOverOurLimit", params: { mb: DISCORD_SENT_FILE_LIMIT_BYTES / (1024 * 1024) } } as const;

/** A DM's video attachments go to the core as sent files (the too-big ones refused), anything else as text. */
async function handleDirectMessage(chat: ChatCore, message: Message, reply: Reply): Promise<void> {
  const sender = senderOf(message.author, message.channelId);
  const videos = videoAttachmentsOf(message);
  if (videos.length === 0) return chat.handleText(sender, message.content, reply);
  const taken = videos.filter((video) => video.size <= DISCORD_SENT_FILE_LIMIT_BYTES);
  if (taken.length === 0) return chat.refuseFile(sender, message.content, TOO_BIG, reply);
  await chat.handleVideoFiles(sender, await Promise.all(taken.map((video) => sentVideoOf(message, video))), message.content, reply);
  if (taken.length < videos.length) await chat.refuseFile(sender, "", TOO_BIG, reply);
}

/**
 * Hands every message a person writes in their DM with the bot to the chat core, answering in
 * the same DM. Bots (this one included) and anything outside DMs are ignored.
 */
export function createDirectMessageListener(chat: ChatCore, adapter: ChatAdapter, log: Logger): (message: Message) => void {
  return (message) => {
    if (message.author.bot || message.channel.type !== ChannelType.DM) return;
    const chatId = message.channelId;
    handleDirectMessage(chat, message, (outgoing) => adapter.send(chatId, outgoing)).catch((error: unknown) => {
      log.error({ err: error, userId: message.author.id }, "a Discord direct message could not be handled");
    });
  };
}

import { ChannelType, type Interaction, type User } from "discord.js";
import type { ChatSender } from "../../src/chat/adapter.ts";

/**
 * The chat sender for a Discord user whose DM channel with the bot is `dmChannelId`. `locale` is the
 * client's language, which Discord sends with interactions only (a plain DM keeps the last one seen).
 */
export function senderOf(user: User, dmChannelId: string, locale?: string): ChatSender {
  return { platform: "DISCORD", externalUserId: user.id, chatId: dmChannelId, displayName: `@${user.username}`, ...(locale ? { languageCode: locale } : {}) };
}

/**
 * The DM channel an interaction's person is reached in later (progress, "Connected"): the
 * interaction's own channel when used in the DM, else the DM the bot opens with them.
 */
export async function dmChannelIdOf(interaction: Interaction): Promise<string> {
  if (interaction.channel?.type === ChannelType.DM && interaction.channelId) return interaction.channelId;
  return (await interaction.user.createDM()).id;
}

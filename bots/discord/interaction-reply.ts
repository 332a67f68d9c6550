import { type ButtonInteraction, type ChatInputCommandInteraction, type Message, MessageFlags } from "discord.js";
import type { Reply, SentMessage } from "../../src/chat/adapter.ts";
import { callDiscord } from "./failures.ts";
import { toDiscordMessage } from "./outgoing.ts";

/** The message an acknowledged interaction shows until the core answers. */
interface Placeholder {
  /** Only the person sees it (ephemeral). */
  private: boolean;
  /** Removes it when a private answer cannot replace a public placeholder. */
  discard?: () => Promise<unknown>;
}

const sentOf = (message: Message): SentMessage => ({ chatId: message.channelId, messageId: message.id });

/** The core's Reply for an acknowledged interaction: the first answer replaces the placeholder, later ones follow up. */
function answersTo(interaction: ChatInputCommandInteraction | ButtonInteraction, placeholder: Placeholder): Reply {
  let answered = false;
  return async (message, options) => {
    const body = toDiscordMessage(message);
    const ephemeral = options?.personal === true;
    const first = !answered;
    answered = true;
    // A message everyone sees cannot turn ephemeral; a private answer then goes in a follow-up.
    if (first && (placeholder.private || !ephemeral)) return sentOf(await callDiscord(() => interaction.editReply(body)));
    if (first) await callDiscord(async () => placeholder.discard?.());
    return sentOf(await callDiscord(() => interaction.followUp({ ...body, flags: ephemeral ? MessageFlags.Ephemeral : undefined })));
  };
}

/**
 * Acknowledges a slash command at once ("thinking…", ephemeral when `personal`), so the 3-second
 * window never depends on how long the core takes.
 */
export async function deferCommand(interaction: ChatInputCommandInteraction, personal: boolean): Promise<Reply> {
  await callDiscord(() => interaction.deferReply(personal ? { flags: MessageFlags.Ephemeral } : {}));
  return answersTo(interaction, { private: personal, discard: () => interaction.deleteReply() });
}

/**
 * Acknowledges a button press at once without changing anything; the core's first answer then
 * replaces the message the button was on (a question becomes its answer, its buttons go away).
 */
export async function deferButton(interaction: ButtonInteraction): Promise<Reply> {
  await callDiscord(() => interaction.deferUpdate());
  return answersTo(interaction, { private: interaction.message.flags.has(MessageFlags.Ephemeral) });
}

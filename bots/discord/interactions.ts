import type { AutocompleteInteraction, ButtonInteraction, ChatInputCommandInteraction, Interaction } from "discord.js";
import type { ChatCore } from "../../src/chat/core.ts";
import { normaliseName } from "../../src/chat/tag-match.ts";
import type { Logger } from "../../src/log.ts";
import { deferButton, deferCommand } from "./interaction-reply.ts";
import { dmChannelIdOf, senderOf } from "./sender.ts";
import { argumentOptionOf, isPersonalCommand } from "./slash-commands.ts";

/** Discord shows at most 25 autocomplete choices, each name and value at most 100 characters. */
const MAX_CHOICES = 25;
const MAX_CHOICE_LENGTH = 100;

async function runCommand(chat: ChatCore, interaction: ChatInputCommandInteraction): Promise<void> {
  const reply = await deferCommand(interaction, isPersonalCommand(interaction.commandName));
  const sender = senderOf(interaction.user, await dmChannelIdOf(interaction), interaction.locale);
  const option = argumentOptionOf(interaction.commandName);
  const argument = (option && interaction.options.getString(option)) ?? "";
  await chat.handleCommand(sender, interaction.commandName, argument, reply);
}

async function pressButton(chat: ChatCore, interaction: ButtonInteraction): Promise<void> {
  const reply = await deferButton(interaction);
  await chat.handleButton(senderOf(interaction.user, await dmChannelIdOf(interaction), interaction.locale), interaction.customId, reply);
}

/** The person's databases whose tag or title contains what they typed so far (value: the tag `/tag` matches). */
async function suggestDatabases(chat: ChatCore, interaction: AutocompleteInteraction): Promise<void> {
  const typed = normaliseName(interaction.options.getFocused());
  const databases = await chat.databasesFor(senderOf(interaction.user, await dmChannelIdOf(interaction), interaction.locale));
  const choices = databases
    .filter((d) => normaliseName(d.tag).includes(typed) || normaliseName(d.title).includes(typed))
    .filter((d) => d.tag.length <= MAX_CHOICE_LENGTH)
    .slice(0, MAX_CHOICES)
    .map((d) => ({ name: d.title.slice(0, MAX_CHOICE_LENGTH), value: d.tag }));
  await interaction.respond(choices);
}

/**
 * Turns slash commands, button presses and `/tag` autocomplete into calls of the chat core.
 * Commands and buttons are acknowledged before the core runs; a failure is logged, and the
 * "thinking…" placeholder removed so it does not hang for 15 minutes.
 */
export function createInteractionListener(chat: ChatCore, log: Logger): (interaction: Interaction) => void {
  return (interaction) => {
    const work = interaction.isAutocomplete()
      ? suggestDatabases(chat, interaction)
      : interaction.isChatInputCommand()
        ? runCommand(chat, interaction)
        : interaction.isButton()
          ? pressButton(chat, interaction)
          : Promise.resolve();
    work.catch(async (error: unknown) => {
      log.error({ err: error, interactionType: interaction.type, userId: interaction.user.id }, "a Discord interaction failed");
      if (interaction.isChatInputCommand() && interaction.deferred && !interaction.replied) await interaction.deleteReply().catch(() => undefined);
    });
  };
}

import {
  ApplicationIntegrationType,
  InteractionContextType,
  Locale,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  SlashCommandBuilder,
} from "discord.js";
import { COMMANDS, findCommand, type Command } from "../../src/chat/commands.ts";
import { english, translator, type Language, type TextKey } from "../../src/i18n/index.ts";

/** Discord's locales for each language the bot speaks besides English. */
const DISCORD_LOCALES: Record<Exclude<Language, "en">, Locale[]> = {
  es: [Locale.SpanishES, Locale.SpanishLATAM],
  pt: [Locale.PortugueseBR],
  de: [Locale.German],
  ru: [Locale.Russian],
  ja: [Locale.Japanese],
};

/** A sentence in every Discord locale the bot speaks. */
function localized(key: TextKey): Partial<Record<Locale, string>> {
  return Object.fromEntries(
    Object.entries(DISCORD_LOCALES).flatMap(([language, locales]) => locales.map((locale) => [locale, translator(language as Language)(key)])),
  );
}

/** Discord's name for a core command: its own where Discord's convention differs (`/connect` for `/start`). */
function discordNameOf(command: Command): string {
  return command.names?.DISCORD ?? command.name;
}

/** Whether a command's answer should be ephemeral, decided before the core has answered. */
export function isPersonalCommand(name: string): boolean {
  return findCommand(name)?.personal ?? false;
}

/** The name of the command's typed option that carries its argument, if it takes one. */
export function argumentOptionOf(name: string): string | undefined {
  return findCommand(name)?.argument?.name;
}

/** The slash commands registered at boot: the core's commands, usable in DMs with the bot. */
export function slashCommands(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return COMMANDS.map((command) => {
    const builder = new SlashCommandBuilder()
      .setName(discordNameOf(command))
      .setDescription(english(command.description))
      .setDescriptionLocalizations(localized(command.description))
      .setContexts(InteractionContextType.BotDM)
      .setIntegrationTypes(ApplicationIntegrationType.GuildInstall);
    const { argument } = command;
    if (argument) {
      builder.addStringOption((option) =>
        option
          .setName(argument.name)
          .setDescription(english(argument.description))
          .setDescriptionLocalizations(localized(argument.description))
          .setMaxLength(100)
          .setAutocomplete(argument.autocomplete === "databases"),
      );
    }
    return builder.toJSON();
  });
}

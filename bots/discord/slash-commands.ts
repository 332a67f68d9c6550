import {
  ApplicationIntegrationType,
  InteractionContextType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  SlashCommandBuilder,
} from "discord.js";
import { COMMANDS, findCommand, type Command } from "../../src/chat/commands.ts";

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
      .setDescription(command.description)
      .setContexts(InteractionContextType.BotDM)
      .setIntegrationTypes(ApplicationIntegrationType.GuildInstall);
    const { argument } = command;
    if (argument) {
      builder.addStringOption((option) =>
        option.setName(argument.name).setDescription(argument.description).setMaxLength(100).setAutocomplete(argument.autocomplete === "databases"),
      );
    }
    return builder.toJSON();
  });
}

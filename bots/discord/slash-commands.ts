import {
  ApplicationIntegrationType,
  InteractionContextType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  SlashCommandBuilder,
} from "discord.js";
import { COMMANDS } from "../../src/chat/commands.ts";

/** The `/tag` option that names a database; autocomplete offers the person's databases. */
export const TAG_OPTION = "name";

/**
 * Discord's name for each core command. `/start` is Telegram's convention; Discord users look for
 * `/connect` (the core answers both names the same way).
 */
const DISCORD_NAMES: Record<string, string> = { start: "connect" };

/** Commands whose answer is for the person alone (connect links, job lists): deferred as ephemeral. */
const PERSONAL = new Set(["connect", "status", "disconnect"]);

/** Whether a command's answer should be ephemeral, decided before the core has answered. */
export function isPersonalCommand(name: string): boolean {
  return PERSONAL.has(name);
}

/** The slash commands registered at boot: the core's commands, usable in DMs with the bot. */
export function slashCommands(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return COMMANDS.map((command) => {
    const builder = new SlashCommandBuilder()
      .setName(DISCORD_NAMES[command.name] ?? command.name)
      .setDescription(command.description)
      .setContexts(InteractionContextType.BotDM)
      .setIntegrationTypes(ApplicationIntegrationType.GuildInstall);
    if (command.name === "tag") {
      builder.addStringOption((option) =>
        option.setName(TAG_OPTION).setDescription("A database name, or refresh to re-read your Notion").setMaxLength(100).setAutocomplete(true),
      );
    }
    return builder.toJSON();
  });
}

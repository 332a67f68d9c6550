import { Client, Events, GatewayIntentBits, Partials, REST, Routes } from "discord.js";
import { z } from "zod";
import type { ChatAdapter } from "../../src/chat/adapter.ts";
import type { ChatCore } from "../../src/chat/core.ts";
import type { Config } from "../../src/config.ts";
import type { SentFileSource } from "../../src/jobs/types.ts";
import type { Logger } from "../../src/log.ts";
import { createDiscordAdapter } from "./adapter.ts";
import { createDiscordFileSource } from "./files.ts";
import { createDirectMessageListener } from "./direct-messages.ts";
import { createInteractionListener } from "./interactions.ts";
import { slashCommands } from "./slash-commands.ts";

/** A running Discord bot. */
export interface DiscordBot {
  /** Sends and edits DM messages; registered with the chat core. */
  adapter: ChatAdapter;
  /** Fetches videos people attached to their DMs (for the pipeline, also in worker-only processes). */
  files: SentFileSource;
  /** A link that opens a DM with the bot, for the linking site's "back to the chat" button. */
  link: string;
  stop(): Promise<void>;
}

export interface DiscordBotDeps {
  config: Config;
  log: Logger;
  chat: ChatCore;
  /** "gateway": connect and take DMs and commands; "send-only": REST only, for worker-only processes. */
  receive: "gateway" | "send-only";
}

const botUser = z.object({ id: z.string() });

/** Discord's profile page of the bot, where "Message" opens the DM. */
const profileLink = (botId: string) => `https://discord.com/users/${botId}`;

function requireToken(config: Config): string {
  if (!config.discord.token) throw new Error("DISCORD_BOT_TOKEN is not set");
  return config.discord.token;
}

/** REST only: the adapter for worker processes, which must not open a second gateway session. */
async function startSendOnly(deps: DiscordBotDeps): Promise<DiscordBot> {
  const rest = new REST({ api: deps.config.discord.apiBase }).setToken(requireToken(deps.config));
  const me = botUser.parse(await rest.get(Routes.user()));
  return {
    adapter: createDiscordAdapter(rest),
    files: createDiscordFileSource(rest),
    link: profileLink(me.id),
    stop: async () => {
      rest.clearHashSweeper();
      rest.clearHandlerSweeper();
    },
  };
}

/** The gateway session: DMs and interactions in, slash commands registered, the adapter over the client's REST manager. */
async function startGateway(deps: DiscordBotDeps): Promise<DiscordBot> {
  const { config, log, chat } = deps;
  const client = new Client({
    // DMs only; Partials.Channel lets uncached DM channels deliver their first message.
    // Direct messages carry their content without the privileged Message Content intent.
    intents: [GatewayIntentBits.DirectMessages],
    partials: [Partials.Channel],
    rest: { api: config.discord.apiBase },
    // Interaction replies go through discord.js, which sends this unless a reply says otherwise.
    allowedMentions: { parse: [] },
  });
  const adapter = createDiscordAdapter(client.rest);
  client.on(Events.MessageCreate, createDirectMessageListener(chat, adapter, log));
  client.on(Events.InteractionCreate, createInteractionListener(chat, log));
  client.on(Events.ShardDisconnect, (event, shardId) => log.warn({ shardId, code: event.code }, "Discord gateway disconnected"));
  client.on(Events.ShardResume, (shardId, replayed) => log.info({ shardId, replayed }, "Discord gateway resumed"));
  client.on(Events.Error, (error) => log.error({ err: error }, "Discord client error"));
  try {
    await client.login(requireToken(config));
    await client.application!.commands.set(slashCommands());
  } catch (error) {
    await client.destroy();
    throw error;
  }
  log.info({ botId: client.user!.id, commands: slashCommands().map((c) => c.name) }, "Discord bot connected");
  return { adapter, files: createDiscordFileSource(client.rest), link: profileLink(client.user!.id), stop: () => client.destroy() };
}

/** Starts the Discord bot (discord.js). */
export async function startDiscordBot(deps: DiscordBotDeps): Promise<DiscordBot> {
  return deps.receive === "gateway" ? startGateway(deps) : startSendOnly(deps);
}

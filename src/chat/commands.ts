import { UserFacingError } from "../errors.ts";
import type { ChatPlatform, Reply } from "./adapter.ts";
import { createConnectLink } from "./connect-link.ts";
import type { ChatDeps } from "./context.ts";
import { databaseButtons, workspaceOf } from "./databases.ts";
import type { Person } from "../db/people.ts";
import { chooseAndStart } from "./choose.ts";
import { matchByName } from "./tag-match.ts";
import { texts } from "./texts.ts";

/** `/start`: what the bot does, and the connect link or the current database. */
export async function startCommand(deps: ChatDeps, person: Person, reply: Reply): Promise<void> {
  const workspace = await workspaceOf(deps.repos, person.userId);
  if (workspace) {
    const current = (await deps.repos.schemas.list(person.userId)).find((d) => d.id === person.activeSchemaId);
    await reply({ text: `${texts.intro}\n\n${texts.connectedAlready(workspace, current?.title)}` });
    return;
  }
  const link = await createConnectLink(deps.state, deps.publicUrl, person.identityId);
  await reply({ text: `${texts.intro}\n\n${texts.connectFirst}`, buttons: [[{ text: texts.connectButton, url: link }]] }, { personal: true });
}

/** `/tag`, `/tag <name>`, `/tag refresh`. */
export async function tagCommand(deps: ChatDeps, person: Person, argument: string, reply: Reply): Promise<void> {
  if (!(await workspaceOf(deps.repos, person.userId))) {
    await reply({ text: texts.notConnected });
    return;
  }
  if (argument.toLowerCase() === "refresh") {
    try {
      const refreshed = await deps.refreshDatabases(person.userId);
      await reply({ text: texts.refreshed(refreshed.map((d) => d.title)) });
    } catch (error) {
      if (error instanceof UserFacingError) await reply({ text: error.userMessage });
      else throw error;
    }
    return;
  }
  const databases = await deps.repos.schemas.list(person.userId);
  if (databases.length === 0) {
    await reply({ text: texts.noDatabases });
    return;
  }
  if (!argument) {
    await reply({ text: texts.chooseDatabase, buttons: databaseButtons(databases, "tag", person.activeSchemaId) });
    return;
  }
  const { match, suggestions } = matchByName(argument, databases);
  if (match) {
    await chooseAndStart(deps, person, match, reply);
    return;
  }
  await reply({ text: texts.unknownTag(argument, suggestions.map((s) => s.title)), buttons: suggestions.length ? databaseButtons(suggestions, "tag") : undefined });
}

/** `/status`: the last five jobs with their state and page links. */
export async function statusCommand(deps: ChatDeps, person: Person, reply: Reply): Promise<void> {
  const jobs = await deps.repos.jobs.recent(person.userId, 5);
  if (jobs.length === 0) {
    await reply({ text: texts.statusEmpty }, { personal: true });
    return;
  }
  const lines = jobs.map((job) => {
    const state = texts.jobStatus[job.status] ?? job.status.toLowerCase();
    const where = job.schema ? ` (${job.schema.title})` : "";
    const page = job.notionPageUrl && job.status === "DONE" ? `\n   ${job.notionPageUrl}` : "";
    const reason = job.status === "FAILED" && job.errorMessage ? `\n   ${job.errorMessage}` : "";
    return `• ${job.canonicalUrl}${where}: ${state}${page}${reason}`;
  });
  await reply({ text: `${texts.statusTitle}\n${lines.join("\n")}` }, { personal: true });
}

/** `/disconnect`: asks first; the button does the work. */
export async function disconnectCommand(deps: ChatDeps, person: Person, reply: Reply): Promise<void> {
  if (!(await workspaceOf(deps.repos, person.userId))) {
    await reply({ text: texts.notConnected }, { personal: true });
    return;
  }
  await reply(
    {
      text: texts.disconnectConfirm,
      buttons: [[{ text: texts.disconnectButton, data: "disconnect:yes" }, { text: texts.disconnectCancelButton, data: "disconnect:no" }]],
    },
    { personal: true },
  );
}

/** The confirmed `/disconnect`: token and databases deleted; pages in Notion stay. */
export async function confirmDisconnect(deps: ChatDeps, person: Person, reply: Reply): Promise<void> {
  await deps.repos.connections.remove(person.userId);
  await reply({ text: texts.disconnected }, { personal: true });
}

/** `/help`: what the bot does, and every command of the registry with its usage. */
export async function helpCommand(reply: Reply): Promise<void> {
  const lines = COMMANDS.map((command) => `/${command.name}: ${command.usage ?? command.description}`);
  await reply({ text: [texts.helpIntro, "", ...lines, "", texts.helpFooter].join("\n") });
}

/** What a command's handler is called with. */
export interface CommandCall {
  deps: ChatDeps;
  person: Person;
  /** The rest of the line after the command, trimmed. */
  argument: string;
  reply: Reply;
}

/** One command of the bot: every platform registers it, /help lists it, the core runs it. */
export interface Command {
  /** Its name without the slash, as Telegram and /help show it. */
  name: string;
  /** Where a platform's convention names it differently (Discord users look for /connect); the core answers to both. */
  names?: Partial<Record<ChatPlatform, string>>;
  /** One line for the platforms' command menus. */
  description: string;
  /** The /help line when it says more than the description. */
  usage?: string;
  /** Its answer is for the person alone (ephemeral on Discord). */
  personal?: boolean;
  /** The free-text argument, where a platform asks for it as a typed option (Discord autocompletes the person's databases). */
  argument?: { name: string; description: string; autocomplete: "databases" };
  /** Whether this call is slow enough to show "typing…" first. */
  slow?(argument: string): boolean;
  run(call: CommandCall): Promise<void>;
}

/**
 * Every command, declared once. Telegram's `setMyCommands`, Discord's slash commands and
 * `/help` read this list; the core dispatches from it. Adding a command is one entry here.
 */
export const COMMANDS: readonly Command[] = [
  {
    name: "start",
    names: { DISCORD: "connect" },
    description: "Connect your Notion workspace",
    personal: true,
    run: ({ deps, person, reply }) => startCommand(deps, person, reply),
  },
  {
    name: "tag",
    description: "Choose the database new links go to",
    usage: "Choose the database new links go to (/tag <name> to choose directly, /tag refresh to re-read your databases)",
    argument: { name: "name", description: "A database name, or refresh to re-read your Notion", autocomplete: "databases" },
    slow: (argument) => argument.toLowerCase() === "refresh",
    run: ({ deps, person, argument, reply }) => tagCommand(deps, person, argument, reply),
  },
  {
    name: "status",
    description: "Your last five videos",
    personal: true,
    run: ({ deps, person, reply }) => statusCommand(deps, person, reply),
  },
  {
    name: "help",
    description: "What I can do",
    run: ({ reply }) => helpCommand(reply),
  },
  {
    name: "disconnect",
    description: "Remove your Notion connection",
    personal: true,
    run: ({ deps, person, reply }) => disconnectCommand(deps, person, reply),
  },
];

/** The command `name` (its own name or a platform's name for it, any case), if there is one. */
export function findCommand(name: string): Command | undefined {
  const wanted = name.toLowerCase();
  return COMMANDS.find((command) => command.name === wanted || Object.values(command.names ?? {}).includes(wanted));
}

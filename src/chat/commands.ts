import { UserFacingError } from "../errors.ts";
import { LANGUAGES, languageOf, textRefFrom, translator, type Language, type TextKey } from "../i18n/index.ts";
import type { ChatPlatform, Reply } from "./adapter.ts";
import { createConnectLink } from "./connect-link.ts";
import type { ChatDeps } from "./context.ts";
import { databaseButtons, workspaceOf } from "./databases.ts";
import { jobLabel } from "./job-label.ts";
import type { Person } from "./person.ts";
import { chooseAndStart } from "./choose.ts";
import { forgetCommand } from "./forget.ts";
import { matchByName } from "./tag-match.ts";
import { usageCommand } from "./usage.ts";

/** `/start`: what the bot does, and the connect link or the current database. */
export async function startCommand(deps: ChatDeps, person: Person, reply: Reply): Promise<void> {
  const { t } = person;
  const workspace = await workspaceOf(deps.repos, person.userId);
  if (workspace) {
    const current = (await deps.repos.schemas.list(person.userId)).find((d) => d.id === person.activeSchemaId);
    const where = current ? t("connectedAlready", { workspace, database: current.title }) : t("connectedAlreadyNoDatabase", { workspace });
    await reply({ text: `${t("intro")}\n\n${where}` });
    return;
  }
  const link = await createConnectLink(deps.state, deps.publicUrl, person.identityId);
  await reply({ text: `${t("intro")}\n\n${t("connectFirst")}`, buttons: [[{ text: t("connectButton"), url: link }]] }, { personal: true });
}

/** `/tag`, `/tag <name>`, `/tag refresh`. */
export async function tagCommand(deps: ChatDeps, person: Person, argument: string, reply: Reply): Promise<void> {
  const { t } = person;
  if (!(await workspaceOf(deps.repos, person.userId))) {
    await reply({ text: t("notConnected") });
    return;
  }
  if (argument.toLowerCase() === "refresh") {
    try {
      const refreshed = await deps.refreshDatabases(person.userId);
      const databases = refreshed.map((d) => d.title);
      await reply({ text: databases.length === 0 ? t("refreshedNone") : t("refreshed", { databases }) });
    } catch (error) {
      if (error instanceof UserFacingError) await reply({ text: t(error.text.key, error.text.params) });
      else throw error;
    }
    return;
  }
  const databases = await deps.repos.schemas.list(person.userId);
  if (databases.length === 0) {
    await reply({ text: t("noDatabases") });
    return;
  }
  if (!argument) {
    await reply({ text: t("chooseDatabase"), buttons: databaseButtons(databases, "tag", person.activeSchemaId) });
    return;
  }
  const { match, suggestions } = matchByName(argument, databases);
  if (match) {
    await chooseAndStart(deps, person, match, reply);
    return;
  }
  if (suggestions.length === 0) return void (await reply({ text: t("unknownTag", { name: argument }) }));
  await reply({ text: t("unknownTagSuggest", { name: argument }), buttons: databaseButtons(suggestions, "tag") });
}

/** `/status`: the last five jobs with their state and page links. */
export async function statusCommand(deps: ChatDeps, person: Person, reply: Reply): Promise<void> {
  const { t } = person;
  const jobs = await deps.repos.jobs.recent(person.userId, 5);
  if (jobs.length === 0) {
    await reply({ text: t("statusEmpty") }, { personal: true });
    return;
  }
  const lines = jobs.map((job) => {
    const reason = job.status === "FAILED" ? textRefFrom(job.errorText) : undefined;
    return t(`jobStatus.${job.status}`, {
      url: jobLabel(t, job),
      database: job.schema?.title ?? "Notion",
      page: job.notionPageUrl ?? "",
      reason: reason ? t(reason.key, reason.params) : "",
    });
  });
  await reply({ text: `${t("statusTitle")}\n${lines.join("\n")}` }, { personal: true });
}

/** `/disconnect`: asks first; the button does the work. */
export async function disconnectCommand(deps: ChatDeps, person: Person, reply: Reply): Promise<void> {
  if (!(await workspaceOf(deps.repos, person.userId))) {
    await reply({ text: person.t("notConnected") }, { personal: true });
    return;
  }
  const { t } = person;
  await reply(
    {
      text: t("disconnectConfirm"),
      buttons: [[{ text: t("disconnectButton"), data: "disconnect:yes" }, { text: t("disconnectCancelButton"), data: "disconnect:no" }]],
    },
    { personal: true },
  );
}

/**
 * The confirmed `/disconnect`: the token revoked at Notion, then token and databases deleted
 * here; pages in Notion stay. When Notion does not confirm the revocation the connection is
 * still forgotten here, and the person is told how to remove it in Notion themselves.
 */
export async function confirmDisconnect(deps: ChatDeps, person: Person, reply: Reply): Promise<void> {
  const revoked = await deps.revokeNotion(person.userId);
  await deps.repos.connections.remove(person.userId);
  await reply({ text: person.t(revoked ? "disconnected" : "disconnectedNotRevoked") }, { personal: true });
}

/** `/help`: what the bot does, and every command of the registry with its usage. */
export async function helpCommand(person: Person, reply: Reply): Promise<void> {
  const { t } = person;
  const lines = COMMANDS.map((command) => t("helpLine", { command: command.name, description: t(command.usage ?? command.description) }));
  await reply({ text: [t("helpIntro"), "", ...lines, "", t("helpFooter")].join("\n") });
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
  /** One line for the platforms' command menus (its sentence key). */
  description: TextKey;
  /** The /help line when it says more than the description (its sentence key). */
  usage?: TextKey;
  /** Its answer is for the person alone (ephemeral on Discord). */
  personal?: boolean;
  /** The free-text argument, where a platform asks for it as a typed option (Discord autocompletes the person's databases). */
  argument?: { name: string; description: TextKey; autocomplete: "databases" };
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
    description: "command.start",
    personal: true,
    run: ({ deps, person, reply }) => startCommand(deps, person, reply),
  },
  {
    name: "tag",
    description: "command.tag",
    usage: "command.tagUsage",
    argument: { name: "name", description: "command.tagOption", autocomplete: "databases" },
    slow: (argument) => argument.toLowerCase() === "refresh",
    run: ({ deps, person, argument, reply }) => tagCommand(deps, person, argument, reply),
  },
  {
    name: "status",
    description: "command.status",
    personal: true,
    run: ({ deps, person, reply }) => statusCommand(deps, person, reply),
  },
  {
    name: "usage",
    description: "command.usage",
    personal: true,
    run: ({ deps, person, reply }) => usageCommand(deps, person, reply),
  },
  {
    name: "language",
    description: "command.language",
    usage: "command.languageUsage",
    run: ({ deps, person, argument, reply }) => languageCommand(deps, person, argument, reply),
  },
  {
    name: "help",
    description: "command.help",
    run: ({ person, reply }) => helpCommand(person, reply),
  },
  {
    name: "disconnect",
    description: "command.disconnect",
    personal: true,
    run: ({ deps, person, reply }) => disconnectCommand(deps, person, reply),
  },
  {
    name: "forget",
    description: "command.forget",
    personal: true,
    run: ({ person, reply }) => forgetCommand(person, reply),
  },
];

/** The command `name` (its own name or a platform's name for it, any case), if there is one. */
export function findCommand(name: string): Command | undefined {
  const wanted = name.toLowerCase();
  return COMMANDS.find((command) => command.name === wanted || Object.values(command.names ?? {}).includes(wanted));
}

/** `/language`: buttons for every language the bot speaks and one to follow the chat app; `/language es` chooses directly. */
export async function languageCommand(deps: ChatDeps, person: Person, argument: string, reply: Reply): Promise<void> {
  if (argument) {
    const wanted = argument.trim().toLowerCase();
    if (wanted === "auto") return confirmLanguage(deps, person, "auto", reply);
    const language = languageOf(wanted) ?? LANGUAGES.find((l) => translator(l)("languageName").toLowerCase() === wanted);
    if (!language) return void (await reply({ text: person.t("language.unknown", { name: argument.trim() }) }));
    return confirmLanguage(deps, person, language, reply);
  }
  const buttons = LANGUAGES.map((language) => ({
    text: `${language === person.chosen ? "✓ " : ""}${translator(language)("languageName")}`,
    data: `language:${language}`,
  }));
  const rows = [buttons.slice(0, 3), buttons.slice(3), [{ text: person.t("language.autoButton"), data: "language:auto" }]];
  await reply({ text: person.t("language.choose"), buttons: rows });
}

/** Stores the chosen language (or `auto`: the chat app's) and says so in it. */
export async function confirmLanguage(deps: ChatDeps, person: Person, choice: Language | "auto", reply: Reply): Promise<void> {
  await deps.repos.people.chooseLanguage(person.userId, choice === "auto" ? null : choice);
  await reply({ text: choice === "auto" ? translator(person.appLanguage)("language.auto") : translator(choice)("language.chosen") });
}

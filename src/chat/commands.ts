import { UserFacingError } from "../errors.ts";
import type { Reply } from "./adapter.ts";
import { createConnectLink } from "./connect-link.ts";
import type { ChatDeps } from "./context.ts";
import { databaseButtons, workspaceOf } from "./databases.ts";
import type { Person } from "../db/people.ts";
import { chooseAndStart } from "./choose.ts";
import { matchByName } from "./tag-match.ts";
import { texts } from "./texts.ts";

/** The commands the bot understands, as every platform registers them. */
export const COMMANDS = [
  { name: "start", description: "Connect your Notion workspace" },
  { name: "tag", description: "Choose the database new links go to" },
  { name: "status", description: "Your last five videos" },
  { name: "help", description: "What I can do" },
  { name: "disconnect", description: "Remove your Notion connection" },
] as const;

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

/** `/help`. */
export async function helpCommand(reply: Reply): Promise<void> {
  await reply({ text: texts.help });
}

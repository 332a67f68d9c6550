import type { ProgressSink } from "../jobs/types.ts";
import { containsAnyLink, parseVideoLinks } from "../links.ts";
import type { ChatAdapter, ChatSender, Reply } from "./adapter.ts";
import { chooseAndStart } from "./choose.ts";
import { confirmDisconnect, disconnectCommand, helpCommand, startCommand, statusCommand, tagCommand } from "./commands.ts";
import { createLinkNotifier } from "./connected.ts";
import type { AdapterRegistry, ChatDeps } from "./context.ts";
import { handleLinks } from "./links-flow.ts";
import type { LinkNotifier } from "./notifier.ts";
import { createProgressSink } from "./progress.ts";
import { texts } from "./texts.ts";

/** `tag:<uuid>`, `use:<uuid>`, `retry:<uuid>`, `disconnect:yes|no`. */
const BUTTON_DATA = /^(?:(tag|use|retry):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})|(disconnect):(yes|no))$/;

/**
 * The conversation, once for every platform. Adapters turn platform updates into calls of
 * `handleText`, `handleCommand` and `handleButton`, and implement the ChatAdapter port.
 */
export interface ChatCore {
  registerAdapter(adapter: ChatAdapter): void;
  /** A plain message (text or caption) in a private chat: a command, links, or anything else. */
  handleText(sender: ChatSender, text: string, reply: Reply): Promise<void>;
  /** A command by name without the slash; `argument` is the rest of the line. */
  handleCommand(sender: ChatSender, name: string, argument: string, reply: Reply): Promise<void>;
  /** A callback button press; `data` is what the core put on the button. */
  handleButton(sender: ChatSender, data: string, reply: Reply): Promise<void>;
  /** The person's databases (for autocomplete). */
  databasesFor(sender: ChatSender): Promise<{ title: string; tag: string }[]>;
  /** Progress of jobs, for the pipeline. */
  readonly progress: ProgressSink;
  /** "Connected" messages, for the linking site. */
  readonly notifier: LinkNotifier;
}

/** Builds the chat core. */
export function createChatCore(deps: ChatDeps): ChatCore {
  const adapters: AdapterRegistry = new Map();

  /** "typing…" while slow work (asking Notion) runs; never in the way if it fails. Not for links: "Queued" follows at once. */
  function showTyping(sender: ChatSender): void {
    adapters
      .get(sender.platform)
      ?.typing(sender.chatId)
      .catch((error: unknown) => deps.log.debug({ err: error }, "could not show typing"));
  }

  async function handleCommand(sender: ChatSender, name: string, argument: string, reply: Reply): Promise<void> {
    if (name.toLowerCase() === "tag" && argument.trim().toLowerCase() === "refresh") showTyping(sender);
    const person = await deps.repos.people.ensurePerson(sender);
    switch (name.toLowerCase()) {
      case "start":
      case "connect":
        return startCommand(deps, person, reply);
      case "tag":
        return tagCommand(deps, person, argument.trim(), reply);
      case "status":
        return statusCommand(deps, person, reply);
      case "disconnect":
        return disconnectCommand(deps, person, reply);
      case "help":
        return helpCommand(reply);
      default:
        await reply({ text: texts.unknownCommand });
    }
  }

  async function handleText(sender: ChatSender, text: string, reply: Reply): Promise<void> {
    const command = /^\/([A-Za-z_]+)(?:@\w+)?(?:\s+([\s\S]*))?$/.exec(text.trim());
    if (command) return handleCommand(sender, command[1]!, command[2] ?? "", reply);
    const links = parseVideoLinks(text, deps.linkOptions);
    if (links.length === 0) {
      await reply({ text: containsAnyLink(text) ? texts.unsupportedLink : texts.hint });
      return;
    }
    const person = await deps.repos.people.ensurePerson(sender);
    await handleLinks(deps, sender.platform, person, text, links, reply);
  }

  async function handleButton(sender: ChatSender, data: string, reply: Reply): Promise<void> {
    // Button data comes back from the chat: only our own shapes are acted on.
    const parsed = BUTTON_DATA.exec(data);
    if (!parsed) {
      deps.log.warn({ data: data.slice(0, 80) }, "a button the core does not know");
      return;
    }
    const action = parsed[1] ?? parsed[3];
    const value = parsed[2] ?? parsed[4] ?? "";
    const person = await deps.repos.people.ensurePerson(sender);
    if (action === "tag" || action === "use") {
      const database = (await deps.repos.schemas.list(person.userId)).find((d) => d.id === value);
      if (!database) return void (await reply({ text: texts.noDatabases }));
      return chooseAndStart(deps, person, database, reply);
    }
    if (action === "retry") {
      const job = await deps.repos.jobs.retryFailed(person.userId, value);
      if (!job) return void (await reply({ text: texts.cannotRetry }));
      deps.wakeWorker();
      await reply({ text: texts.retrying });
      return;
    }
    if (action === "disconnect") {
      if (value === "yes") return confirmDisconnect(deps, person, reply);
      return void (await reply({ text: texts.disconnectKept }, { personal: true }));
    }
  }

  return {
    registerAdapter: (adapter) => void adapters.set(adapter.platform, adapter),
    handleText,
    handleCommand,
    handleButton,
    databasesFor: async (sender) => deps.repos.schemas.list((await deps.repos.people.ensurePerson(sender)).userId),
    progress: createProgressSink(deps.repos.jobs, adapters, deps.log),
    notifier: createLinkNotifier(deps, adapters),
  };
}

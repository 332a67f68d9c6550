import type { TextRef } from "../i18n/index.ts";
import type { ProgressSink, SentFile } from "../jobs/types.ts";
import { containsAnyLink, parseVideoLinks } from "../links.ts";
import type { ChatAdapter, ChatSender, Reply } from "./adapter.ts";
import { findButton } from "./buttons.ts";
import { findCommand } from "./commands.ts";
import { createLinkNotifier } from "./connected.ts";
import type { AdapterRegistry, ChatDeps } from "./context.ts";
import { handleLinks } from "./links-flow.ts";
import type { LinkNotifier } from "./notifier.ts";
import { createProgressSink } from "./progress.ts";
import { speakingTo, type Person } from "./person.ts";
import { markReachable, skipUnreachableChats } from "./unreachable.ts";

/**
 * The conversation, once for every platform. Adapters turn platform updates into calls of
 * `handleText`, `handleCommand` and `handleButton`, and implement the ChatAdapter port.
 */
export interface ChatCore {
  registerAdapter(adapter: ChatAdapter): void;
  /** A plain message (text or caption) in a private chat: a command, links, or anything else. */
  handleText(sender: ChatSender, text: string, reply: Reply): Promise<void>;
  /**
   * Videos sent as files in one message (their sizes already checked against the platform's
   * limit), with the message's caption: each taken in like a link, de-duplicated by `key`.
   */
  handleVideoFiles(sender: ChatSender, files: { key: string; file: SentFile }[], caption: string, reply: Reply): Promise<void>;
  /**
   * A video file the bot will not fetch (over the platform's limit): a TikTok or Instagram link
   * in the caption is still taken, else `sentence` is said in the person's language.
   */
  refuseFile(sender: ChatSender, caption: string, sentence: TextRef, reply: Reply): Promise<void>;
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
export function createChatCore(given: ChatDeps): ChatCore {
  const adapters: AdapterRegistry = new Map();
  const progress = createProgressSink(given.repos, adapters, given.log);
  const deps: ChatDeps = { ...given, showEnded: progress.showEnded };
  const personOf = async (sender: ChatSender): Promise<Person> => speakingTo(await deps.repos.people.ensurePerson(sender));

  /** "typing…" while slow work (asking Notion) runs; never in the way if it fails. Not for links: "Queued" follows at once. */
  function showTyping(sender: ChatSender): void {
    adapters
      .get(sender.platform)
      ?.typing(sender.chatId)
      .catch((error: unknown) => deps.log.debug({ err: error }, "could not show typing"));
  }

  async function handleCommand(sender: ChatSender, name: string, argument: string, reply: Reply): Promise<void> {
    await markReachable(deps.state, sender.platform, sender.chatId);
    const command = findCommand(name);
    const trimmed = argument.trim();
    if (command?.slow?.(trimmed)) showTyping(sender);
    const person = await personOf(sender);
    if (!command) return void (await reply({ text: person.t("unknownCommand") }));
    await command.run({ deps, person, argument: trimmed, reply });
  }

  async function handleText(sender: ChatSender, text: string, reply: Reply): Promise<void> {
    const command = /^\/([A-Za-z_]+)(?:@\w+)?(?:\s+([\s\S]*))?$/.exec(text.trim());
    if (command) return handleCommand(sender, command[1]!, command[2] ?? "", reply);
    await markReachable(deps.state, sender.platform, sender.chatId);
    const links = parseVideoLinks(text, deps.linkOptions);
    const person = await personOf(sender);
    if (links.length === 0) {
      await reply({ text: person.t(containsAnyLink(text) ? "unsupportedLink" : "hint") });
      return;
    }
    await handleLinks(deps, sender.platform, person, text, links, reply);
  }

  async function handleVideoFiles(sender: ChatSender, sent: { key: string; file: SentFile }[], caption: string, reply: Reply): Promise<void> {
    // A caption with a TikTok or Instagram link names the original post: that beats the copy
    // (its title, caption and uploader come with it, and the page gets a real Source URL).
    if (parseVideoLinks(caption, deps.linkOptions).length > 0) return handleText(sender, caption, reply);
    await markReachable(deps.state, sender.platform, sender.chatId);
    const person = await personOf(sender);
    const videos = sent.map(({ key, file }) => ({ platform: "file" as const, url: key, key, file }));
    await handleLinks(deps, sender.platform, person, caption, videos, reply);
  }

  async function refuseFile(sender: ChatSender, caption: string, sentence: TextRef, reply: Reply): Promise<void> {
    if (parseVideoLinks(caption, deps.linkOptions).length > 0) return handleText(sender, caption, reply);
    const person = await personOf(sender);
    await reply({ text: person.t(sentence.key, sentence.params) });
  }

  async function handleButton(sender: ChatSender, data: string, reply: Reply): Promise<void> {
    // Button data comes back from the chat: only our own shapes are acted on.
    const found = findButton(data);
    if (!found) {
      deps.log.warn({ data: data.slice(0, 80) }, "a button the core does not know");
      return;
    }
    const person = await personOf(sender);
    await found.button.run({ deps, person, value: found.value, reply });
  }

  return {
    registerAdapter: (adapter) => void adapters.set(adapter.platform, skipUnreachableChats(adapter, deps.state, deps.log)),
    handleText,
    handleVideoFiles,
    refuseFile,
    handleCommand,
    handleButton,
    databasesFor: async (sender) => deps.repos.schemas.list((await personOf(sender)).userId),
    progress,
    notifier: createLinkNotifier(deps, adapters),
  };
}

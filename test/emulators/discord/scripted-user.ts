import type { AttachmentInput } from "./cdn.ts";
import { type CommandOption, InteractionContext, OptionType } from "./command-payload.ts";
import { Intents } from "./gateway.ts";
import { interactionPayload, InteractionType, openInteraction } from "./interaction-payloads.ts";
import { blankMessage, type Button } from "./message-payload.ts";
import type { InteractionRecord, RegisteredCommand, StoredMessage } from "./store.ts";
import { describeTranscript, toTranscriptEntry, transcriptOf, type TranscriptEntry } from "./transcript.ts";
import { announceMessage, type DiscordWorld } from "./world.ts";

/** A value a user types into a slash command option. */
export type OptionValue = string | number | boolean;

/** Picks a bot message: its id, text it contains, a pattern its text matches, or a predicate. */
export type MessageMatcher = string | RegExp | ((entry: TranscriptEntry) => boolean);

/** A choice the bot offered in an autocomplete response. */
export interface AutocompleteChoice {
  name: string;
  value: string | number;
}

/** A Discord user driven by a test: talks to the bot in DMs and uses its commands and buttons. */
export interface ScriptedUser {
  readonly id: string;
  readonly username: string;
  /** The id of this user's DM channel with the bot. */
  readonly dmChannelId: string;
  /** Sends a DM to the bot (a MESSAGE_CREATE without guild_id), with files attached if given (served by the CDN). */
  sendDm(text: string, files?: AttachmentInput[]): TranscriptEntry;
  /** Deletes one of this user's own DMs (a MESSAGE_DELETE to the bot); reading it then answers 10008. */
  deleteDm(messageId: string): void;
  /** Runs a registered slash command (INTERACTION_CREATE type 2); the record shows how the bot answers. */
  runCommand(name: string, options?: Record<string, OptionValue>): InteractionRecord;
  /**
   * Types `value` into option `focusedOption` of command `name` (INTERACTION_CREATE type 4) and
   * resolves with the choices the bot answers with (response type 8).
   */
  autocomplete(name: string, focusedOption: string, value: string, otherOptions?: Record<string, OptionValue>): Promise<AutocompleteChoice[]>;
  /** Presses a button (by custom_id or label) on the newest bot message `message` matches (INTERACTION_CREATE type 3). */
  pressButton(message: MessageMatcher, button: string): InteractionRecord;
  /** Stops (or resumes) accepting DMs from the bot: sends then fail with 50007. */
  closeDms(closed?: boolean): void;
  /** What this user sees, oldest first. */
  transcript(): TranscriptEntry[];
  /** Resolves with the first truthy value `check` returns on this user's transcript, re-checked on every change. */
  waitFor<T>(check: (transcript: TranscriptEntry[]) => T | undefined | null | false, timeoutMs?: number): Promise<T>;
}

const DEFAULT_WAIT_MS = 5000;

/** Builds the scripted user `id` over the emulator's world. */
export function scriptedUser(world: DiscordWorld, id: string, username?: string, locale?: string): ScriptedUser {
  const { store, gateway } = world;
  const state = store.ensureUser(id, username, locale);

  const requireBot = () => {
    if (!gateway.hasSession) throw new Error("Discord emulator: no bot has identified on the gateway (did the client log in?)");
  };

  const findCommand = (name: string): RegisteredCommand => {
    const command = store.commands.find((c) => c.type === 1 && c.name === name);
    if (!command) {
      const known = store.commands.map((c) => `/${c.name}`).join(", ") || "none";
      throw new Error(`Discord emulator: /${name} is not registered (registered: ${known})`);
    }
    if ((command.contexts && !command.contexts.includes(InteractionContext.BotDm)) || command.dm_permission === false)
      throw new Error(`Discord emulator: /${name} is not available in DMs (contexts/dm_permission)`);
    return command;
  };

  const dispatchInteraction = (record: InteractionRecord, data: Record<string, unknown>, message?: StoredMessage) => {
    record.dispatchedAt = Date.now();
    gateway.dispatch("INTERACTION_CREATE", interactionPayload(store, record, data, message));
  };

  const user: ScriptedUser = {
    id,
    username: state.user.username,
    dmChannelId: state.channelId,

    sendDm(text, files = []) {
      requireBot();
      if (files.length > 10) throw new Error("Discord emulator: a message carries at most 10 attachments");
      const attached = files.map((file) => store.cdn.add(state.channelId, file));
      const message = store.addMessage({
        channelId: state.channelId,
        from: "user",
        kind: "message",
        ...blankMessage(),
        content: text,
        attachments: attached.map((file) => file.filename),
        ...(attached.length > 0 && { files: attached }),
      });
      announceMessage(world, "MESSAGE_CREATE", message);
      return toTranscriptEntry(message);
    },

    deleteDm(messageId) {
      const message = store.messages.get(messageId);
      if (!message || message.channelId !== state.channelId || message.from !== "user")
        throw new Error(`Discord emulator: ${messageId} is not a message of user ${id}`);
      store.messages.delete(messageId);
      store.changed();
      world.gateway.dispatch("MESSAGE_DELETE", { id: messageId, channel_id: state.channelId }, Intents.DirectMessages);
    },

    runCommand(name, options = {}) {
      requireBot();
      const command = findCommand(name);
      const values = commandOptions(command, options);
      const record = openInteraction(store, id, InteractionType.ApplicationCommand, { commandName: name });
      const shown = [`/${name}`, ...values.map((option) => `${option.name}:${String(option.value)}`)].join(" ");
      store.addMessage({ channelId: state.channelId, from: "user", kind: "command", ...blankMessage(), content: shown, interactionId: record.id });
      dispatchInteraction(record, { id: command.id, name, type: 1, ...(values.length > 0 && { options: values }) });
      return record;
    },

    async autocomplete(name, focusedOption, value, otherOptions = {}) {
      requireBot();
      const command = findCommand(name);
      const option = command.options?.find((o) => o.name === focusedOption);
      if (!option?.autocomplete) throw new Error(`Discord emulator: option ${focusedOption} of /${name} has no autocomplete`);
      const others = commandOptions(command, otherOptions, false).filter((o) => o.name !== focusedOption);
      const record = openInteraction(store, id, InteractionType.Autocomplete, { commandName: name });
      const focused = { name: focusedOption, type: option.type, value, focused: true };
      dispatchInteraction(record, { id: command.id, name, type: 1, options: [...others, focused] });
      const response = await store.waitFor(() => record.response, world.timing.responseWindowMs + 500, () => `/${name} autocomplete got no response.`);
      if (response.type !== 8) throw new Error(`Discord emulator: autocomplete answered with response type ${response.type}, not 8`);
      return structuredClone((response.data as { choices: AutocompleteChoice[] }).choices);
    },

    pressButton(matcher, button) {
      requireBot();
      const message = findBotMessage(store.channelMessages(state.channelId), matcher);
      if (!message) throw new Error(`Discord emulator: no bot message matches ${String(matcher)}. ${describeTranscript(transcriptOf(store, id))}`);
      const buttons = message.components.flatMap((row) => row.components).filter((c): c is Button => c.type === 2);
      const target = buttons.find((b) => b.custom_id === button) ?? buttons.find((b) => b.label === button);
      if (!target) throw new Error(`Discord emulator: message ${message.id} has no button ${button} (has: ${buttons.map((b) => b.custom_id ?? b.label).join(", ")})`);
      if (target.style === 5) throw new Error(`Discord emulator: ${button} is a link button; it opens ${target.url} and sends no interaction`);
      if (target.disabled) throw new Error(`Discord emulator: button ${button} is disabled`);
      const record = openInteraction(store, id, InteractionType.MessageComponent, { customId: target.custom_id, componentMessageId: message.id });
      dispatchInteraction(record, { custom_id: target.custom_id, component_type: 2 }, message);
      return record;
    },

    closeDms(closed = true) {
      state.dmsClosed = closed;
    },

    transcript: () => transcriptOf(store, id),

    waitFor(check, timeoutMs = DEFAULT_WAIT_MS) {
      return store.waitFor(() => check(transcriptOf(store, id)), timeoutMs, () => describeTranscript(transcriptOf(store, id)));
    },
  };
  return user;
}

function findBotMessage(messages: StoredMessage[], matcher: MessageMatcher): StoredMessage | undefined {
  const matches = (message: StoredMessage) => {
    const entry = toTranscriptEntry(message);
    if (typeof matcher === "function") return matcher(entry);
    if (matcher instanceof RegExp) return matcher.test(entry.text);
    return entry.messageId === matcher || entry.text.includes(matcher);
  };
  return messages.filter((message) => message.from === "bot").reverse().find(matches);
}

/** Checks option values the way Discord's client does before sending, in definition order. */
function commandOptions(command: RegisteredCommand, given: Record<string, OptionValue>, requireAll = true): { name: string; type: number; value: OptionValue }[] {
  const definitions: CommandOption[] = command.options ?? [];
  for (const name of Object.keys(given)) {
    if (!definitions.some((o) => o.name === name)) throw new Error(`Discord emulator: /${command.name} has no option ${name}`);
  }
  return definitions.flatMap((option) => {
    const value = given[option.name];
    if (value === undefined) {
      if (requireAll && option.required) throw new Error(`Discord emulator: /${command.name} needs option ${option.name}`);
      return [];
    }
    checkOptionValue(command.name, option, value);
    return [{ name: option.name, type: option.type, value }];
  });
}

function checkOptionValue(commandName: string, option: CommandOption, value: OptionValue): void {
  const fits =
    (option.type === OptionType.String && typeof value === "string") ||
    (option.type === OptionType.Integer && Number.isInteger(value)) ||
    (option.type === OptionType.Number && typeof value === "number") ||
    (option.type === OptionType.Boolean && typeof value === "boolean") ||
    ![OptionType.String, OptionType.Integer, OptionType.Number, OptionType.Boolean].includes(option.type as 3);
  if (!fits) throw new Error(`Discord emulator: ${JSON.stringify(value)} does not fit option ${option.name} of /${commandName} (type ${option.type})`);
  if (option.choices?.length && !option.choices.some((choice) => choice.value === value))
    throw new Error(`Discord emulator: ${JSON.stringify(value)} is not a choice of option ${option.name} of /${commandName}`);
}

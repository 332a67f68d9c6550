import { toTelegramUser, unixNow, type StoredMessage, type TelegramChat, type TranscriptEntry, type UserProfile } from "./chats.ts";
import type { SentFileKind } from "./files.ts";
import type { TextEntity } from "./html.ts";
import type { TelegramServer } from "./telegram-server.ts";
import type { ChatEvent } from "./timeline.ts";
import { detectEntities } from "./user-text-entities.ts";

/**
 * A scripted Telegram user: writes to the bot, sends captioned media, forwards posts, presses
 * buttons and writes in groups. Each action becomes an update for the bot (via getUpdates or
 * the webhook), exactly as a real client's action would.
 */

/** What a user action produced. */
export interface SentMessage {
  chatId: number;
  messageId: number;
  updateId: number;
  /** Timeline position of the action; bot events after it have a larger `seq`. */
  seq: number;
}

/** The result of pressing a button: a callback query for the bot, or a link the user opens. */
export type ButtonPress =
  | { kind: "callback"; queryId: string; data: string; updateId: number; seq: number }
  | { kind: "url"; url: string };

/** Finds a bot message: by id, by text (substring or RegExp), or by a predicate on the entry. */
export type MessageMatcher = number | string | RegExp | ((entry: TranscriptEntry) => boolean);

/** Where a forwarded message came from. */
export interface ForwardSource {
  /** A channel (or group) the post was forwarded from. */
  fromChat?: { id: number; title: string; username?: string; type?: "channel" | "group" | "supergroup" };
  /** A person whose message was forwarded (when not a chat). */
  fromUser?: UserProfile;
}

/** A scripted user; see `TelegramEmulator.user`. */
export interface ScriptedUser {
  readonly id: number;
  readonly profile: UserProfile;
  /** Sends a text message in the private chat with the bot (commands and links get their entities). */
  sendText(text: string): SentMessage;
  /** Sends a photo or video (default video) with a caption. */
  sendCaption(caption: string, options?: { media?: "photo" | "video" }): SentMessage;
  /**
   * Sends a video as a file: a video, video note, animation or document message carrying
   * `data` (getFile hands it out up to 20 MB), with an optional caption.
   */
  sendVideoFile(data: Buffer, options?: { kind?: SentFileKind; caption?: string; fileName?: string; mimeType?: string }): SentMessage;
  /** Forwards a text post from a channel (`fromChat`) or another user (`fromUser`). */
  forward(text: string, source: ForwardSource): SentMessage;
  /** Presses an inline button under a bot message in the private chat (the newest match). */
  pressButton(message: MessageMatcher, buttonText: string | RegExp): ButtonPress;
  /** Writes in a group (negative id, Telegram style) the bot is a member of. */
  sendInGroup(text: string, groupId: number, options?: { title?: string }): SentMessage;
  /** Blocks the bot: its sends to this user answer 403 "bot was blocked by the user". */
  block(): void;
  unblock(): void;
  /** What this user sees in the private chat with the bot. */
  transcript(): TranscriptEntry[];
  /**
   * Waits for a bot event (message, edit, delete, chat action) in the chat of this user's last
   * action, after that action; `predicate` narrows it (default: any bot message or edit).
   */
  waitForBot(predicate?: (event: ChatEvent) => boolean, timeoutMs?: number): Promise<ChatEvent>;
}

const isBotText = (event: ChatEvent) => event.kind === "bot-message" || event.kind === "bot-edit";
const isFromBot = (event: ChatEvent) => event.kind !== "user-message" && event.kind !== "button-press";
let fileCounter = 0;

function mediaFields(media: "photo" | "video"): Record<string, unknown> {
  fileCounter += 1;
  const id = { file_id: `emulated-${media}-${fileCounter}`, file_unique_id: `u${media}${fileCounter}` };
  if (media === "photo") {
    const large = { ...id, file_id: `${id.file_id}-large`, width: 720, height: 1280, file_size: 90_000 };
    return { photo: [{ ...id, width: 90, height: 160, file_size: 4_000 }, large] };
  }
  return { video: { ...id, width: 720, height: 1280, duration: 12, mime_type: "video/mp4", file_size: 1_500_000 } };
}

function forwardOrigin(source: ForwardSource, date: number): Record<string, unknown> {
  if (source.fromChat) {
    const { id, title, username, type = "channel" } = source.fromChat;
    const chat = { id, type, title, ...(username ? { username } : {}) };
    return type === "channel"
      ? { type: "channel", chat, message_id: 1, date }
      : { type: "chat", sender_chat: chat, date };
  }
  if (source.fromUser) return { type: "user", sender_user: toTelegramUser(source.fromUser), date };
  return { type: "hidden_user", sender_user_name: "Anonymous", date };
}

function matches(entry: TranscriptEntry, matcher: MessageMatcher): boolean {
  if (typeof matcher === "number") return entry.messageId === matcher;
  if (typeof matcher === "string") return entry.text.includes(matcher);
  if (matcher instanceof RegExp) return matcher.test(entry.text);
  return matcher(entry);
}

/** Creates the scripted user `profile` on `server`. */
export function createScriptedUser(server: TelegramServer, profile: UserProfile): ScriptedUser {
  server.chats.profiles.set(profile.id, profile);
  let lastAction = { chatId: profile.id, seq: server.timeline.lastSeq };
  const privateChat: TelegramChat = {
    id: profile.id,
    type: "private",
    first_name: profile.firstName,
    ...(profile.lastName ? { last_name: profile.lastName } : {}),
    ...(profile.username ? { username: profile.username } : {}),
  };

  const post = (chat: TelegramChat, text: string, isCaption: boolean, extra: Record<string, unknown>): SentMessage => {
    server.chats.open(chat);
    const entities: TextEntity[] = detectEntities(text);
    const stored: StoredMessage = server.chats.add(chat.id, { from: "user", userId: profile.id, text, entities, isCaption, extra });
    const event = server.timeline.record({ kind: "user-message", chatId: chat.id, messageId: stored.messageId, text });
    const update = server.updates.push({ message: server.chats.toTelegramMessage(stored, server.bot) });
    lastAction = { chatId: chat.id, seq: event.seq };
    return { chatId: chat.id, messageId: stored.messageId, updateId: update.update_id, seq: event.seq };
  };

  const pressButton = (matcher: MessageMatcher, buttonText: string | RegExp): ButtonPress => {
    const entry = server.chats
      .transcript(profile.id)
      .filter((e) => e.from === "bot" && matches(e, matcher))
      .at(-1);
    if (!entry) throw new Error(`Telegram emulator: no bot message matching ${String(matcher)} in chat ${profile.id}`);
    const button = entry.buttons?.flat().find((b) => (typeof buttonText === "string" ? b.text === buttonText : buttonText.test(b.text)));
    if (!button) {
      const available = entry.buttons?.flat().map((b) => b.text) ?? [];
      throw new Error(`Telegram emulator: no button ${String(buttonText)} under "${entry.text}"; buttons: ${JSON.stringify(available)}`);
    }
    if (button.url !== undefined) return { kind: "url", url: button.url };
    if (button.data === undefined) throw new Error(`Telegram emulator: button "${button.text}" has no action to press`);
    const queryId = String(4_100_000_000_000 + server.callbackQueries.size + 1);
    server.callbackQueries.set(queryId, { id: queryId, userId: profile.id, data: button.data, answered: false });
    const stored = server.chats.message(profile.id, entry.messageId)!;
    const event = server.timeline.record({ kind: "button-press", chatId: profile.id, messageId: entry.messageId, data: button.data });
    const update = server.updates.push({
      callback_query: {
        id: queryId,
        from: toTelegramUser(profile),
        message: server.chats.toTelegramMessage(stored, server.bot),
        chat_instance: `-${7_000_000_000 + profile.id}`,
        data: button.data,
      },
    });
    lastAction = { chatId: profile.id, seq: event.seq };
    return { kind: "callback", queryId, data: button.data, updateId: update.update_id, seq: event.seq };
  };

  return {
    id: profile.id,
    profile,
    sendText: (text) => post(privateChat, text, false, {}),
    sendCaption: (caption, { media = "video" } = {}) => post(privateChat, caption, true, mediaFields(media)),
    sendVideoFile: (data, { kind = "video", caption = "", fileName, mimeType } = {}) =>
      post(privateChat, caption, true, server.files.add(kind, data, { fileName, mimeType })),
    forward: (text, source) => post(privateChat, text, false, { forward_origin: forwardOrigin(source, unixNow() - 3600) }),
    pressButton,
    sendInGroup: (text, groupId, { title = `Group ${groupId}` } = {}) => post({ id: groupId, type: "group", title }, text, false, {}),
    block: () => void server.chats.blockedBy.add(profile.id),
    unblock: () => void server.chats.blockedBy.delete(profile.id),
    transcript: () => server.chats.transcript(profile.id),
    waitForBot: (predicate = isBotText, timeoutMs = 5_000) => {
      const { chatId, seq } = lastAction;
      return server.timeline.waitFor((e) => e.chatId === chatId && isFromBot(e) && predicate(e), timeoutMs, seq);
    },
  };
}

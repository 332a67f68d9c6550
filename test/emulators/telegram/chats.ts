import type { TextEntity } from "./html.ts";
import type { InlineKeyboardMarkup } from "./inline-keyboard.ts";
import { toTranscriptButtons, type TranscriptButton } from "./timeline.ts";

/**
 * The chats the bot is in and every message in them, from both sides. A chat exists for the
 * bot only once a scripted user has written in it, as on Telegram.
 */

/** A scripted person as Telegram describes them. */
export interface UserProfile {
  id: number;
  firstName: string;
  lastName?: string;
  username?: string;
  languageCode?: string;
}

/** A Telegram `User` object. */
export interface TelegramUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

/** A Telegram `Chat` object (private chats and groups). */
export interface TelegramChat {
  id: number;
  type: "private" | "group" | "supergroup" | "channel";
  title?: string;
  first_name?: string;
  last_name?: string;
  username?: string;
}

/** One message as the emulator keeps it. */
export interface StoredMessage {
  messageId: number;
  chatId: number;
  from: "user" | "bot";
  /** Who sent it, for user messages. */
  userId?: number;
  date: number;
  /** Current text, or caption for media messages. */
  text: string;
  entities: TextEntity[];
  isCaption: boolean;
  markup?: InlineKeyboardMarkup;
  /** Texts the message was edited to, oldest first. */
  edits: string[];
  editDate?: number;
  deleted: boolean;
  /** Extra Message fields (photo, video, forward_origin...). */
  extra: Record<string, unknown>;
}

/** One line of what a user sees in a chat. */
export interface TranscriptEntry {
  from: "user" | "bot";
  /** The text (or caption) as currently shown: HTML already rendered, edits applied. */
  text: string;
  buttons?: TranscriptButton[][];
  messageId: number;
  /** Every text the message was edited to, oldest first (empty when never edited). */
  edits: string[];
  /** Sender of a user message (useful in groups). */
  userId?: number;
}

interface ChatRecord {
  chat: TelegramChat;
  messages: StoredMessage[];
  nextMessageId: number;
}

/** Converts a profile to the `User` object Telegram sends. */
export function toTelegramUser(profile: UserProfile): TelegramUser {
  return {
    id: profile.id,
    is_bot: false,
    first_name: profile.firstName,
    ...(profile.lastName ? { last_name: profile.lastName } : {}),
    ...(profile.username ? { username: profile.username } : {}),
    language_code: profile.languageCode ?? "en",
  };
}

/** Unix time in seconds, as Telegram dates are. */
export const unixNow = (): number => Math.floor(Date.now() / 1000);

/** All chats and messages. */
export class ChatStore {
  private readonly chats = new Map<number, ChatRecord>();
  readonly profiles = new Map<number, UserProfile>();
  /** Users who blocked the bot: sends to them answer 403. */
  readonly blockedBy = new Set<number>();

  /** The chat with `chatId`, when the bot may write there. */
  find(chatId: number): ChatRecord | undefined {
    return this.chats.get(chatId);
  }

  /** Opens (or returns) a chat because someone wrote in it. */
  open(chat: TelegramChat): ChatRecord {
    let record = this.chats.get(chat.id);
    if (!record) {
      record = { chat, messages: [], nextMessageId: 1 };
      this.chats.set(chat.id, record);
    }
    return record;
  }

  /** Adds a message to a chat, numbering it like Telegram (per chat, from 1). */
  add(chatId: number, message: Omit<StoredMessage, "messageId" | "chatId" | "date" | "edits" | "deleted">): StoredMessage {
    const record = this.chats.get(chatId);
    if (!record) throw new Error(`Telegram emulator: chat ${chatId} is not open`);
    const stored: StoredMessage = {
      ...message,
      messageId: record.nextMessageId++,
      chatId,
      date: unixNow(),
      edits: [],
      deleted: false,
    };
    record.messages.push(stored);
    return stored;
  }

  /** A message that is still visible in the chat. */
  message(chatId: number, messageId: number): StoredMessage | undefined {
    return this.chats.get(chatId)?.messages.find((m) => m.messageId === messageId && !m.deleted);
  }

  /** What the chat shows now, oldest first; deleted messages are gone. */
  transcript(chatId: number): TranscriptEntry[] {
    const record = this.chats.get(chatId);
    if (!record) return [];
    return record.messages
      .filter((m) => !m.deleted)
      .map((m) => ({
        from: m.from,
        text: m.text,
        ...(m.markup ? { buttons: toTranscriptButtons(m.markup.inline_keyboard) } : {}),
        messageId: m.messageId,
        edits: [...m.edits],
        ...(m.userId !== undefined ? { userId: m.userId } : {}),
      }));
  }

  /** The `Message` object the Bot API returns or delivers for a stored message. */
  toTelegramMessage(stored: StoredMessage, bot: TelegramUser): Record<string, unknown> {
    const record = this.chats.get(stored.chatId)!;
    const sender = stored.from === "bot" ? bot : toTelegramUser(this.profiles.get(stored.userId!)!);
    const hasEntities = stored.entities.length > 0;
    return {
      message_id: stored.messageId,
      from: sender,
      chat: record.chat,
      date: stored.date,
      ...(stored.editDate ? { edit_date: stored.editDate } : {}),
      ...stored.extra,
      ...(stored.isCaption
        ? { caption: stored.text, ...(hasEntities ? { caption_entities: stored.entities } : {}) }
        : { text: stored.text, ...(hasEntities ? { entities: stored.entities } : {}) }),
      ...(stored.markup ? { reply_markup: stored.markup } : {}),
    };
  }
}

/**
 * The port every chat platform implements. The chat core decides what to say; an adapter
 * only translates it into its platform's messages, buttons and limits.
 */

/** A button under a message: a callback (`data`) or a link (`url`). */
export type Button = { text: string; data: string } | { text: string; url: string };

/** A highlighted block: Telegram shows it as a bold title and text, Discord as an embed. */
export interface Card {
  title: string;
  description: string;
  url?: string;
  footer?: string;
}

/** What the bot says: plain text (adapters escape it), optional card, rows of buttons. */
export interface OutgoingMessage {
  text: string;
  card?: Card;
  buttons?: Button[][];
}

/** Where a sent message lives, so it can be edited later (by any process). */
export interface SentMessage {
  chatId: string;
  messageId: string;
}

export type ChatPlatform = "TELEGRAM" | "DISCORD";

/** Sends and edits messages in direct chats on one platform. */
export interface ChatAdapter {
  readonly platform: ChatPlatform;
  send(chatId: string, message: OutgoingMessage): Promise<SentMessage>;
  edit(chatId: string, messageId: string, message: OutgoingMessage): Promise<void>;
  /** Shows "typing…" while the bot works on an answer. */
  typing(chatId: string): Promise<void>;
}

/** Who wrote to the bot, as the platform describes them. */
export interface ChatSender {
  platform: ChatPlatform;
  externalUserId: string;
  /** The direct-message chat to answer in. */
  chatId: string;
  /** How the chat app names the account: `@handle` where it has one, else the person's name. */
  displayName?: string;
  /** The chat app's language as the platform reports it (`es`, `pt-BR`), when it does. */
  languageCode?: string;
}

/**
 * How a handler answers the current message or command. Usually `adapter.send` to the chat;
 * for Discord slash commands, the interaction's reply (ephemeral where personal).
 */
export type Reply = (message: OutgoingMessage, options?: { personal?: boolean }) => Promise<SentMessage>;

/**
 * The person cannot be written to any more: they blocked the bot or deleted their account
 * (Telegram 403), or closed their DMs to it (Discord 50007). Adapters throw it so the core can
 * stop messaging them; their jobs still finish.
 */
export class RecipientUnreachableError extends Error {
  readonly platform: ChatPlatform;
  readonly chatId: string;

  constructor(platform: ChatPlatform, chatId: string, reason: string, options?: { cause?: unknown }) {
    super(`${platform} chat ${chatId} cannot be written to: ${reason}`, options);
    this.platform = platform;
    this.chatId = chatId;
    this.name = "RecipientUnreachableError";
  }
}

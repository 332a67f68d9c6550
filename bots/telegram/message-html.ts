import escapeHtml from "escape-html";
import type { InlineKeyboardButton, InlineKeyboardMarkup } from "grammy/types";
import type { Button, Card, OutgoingMessage } from "../../src/chat/adapter.ts";

/** Telegram's limit on a message's text, counted after HTML parsing (UTF-16 code units). */
export const MAX_MESSAGE_LENGTH = 4096;

/** A message as the Bot API takes it: HTML text plus an optional inline keyboard. */
export interface TelegramMessage {
  html: string;
  replyMarkup?: InlineKeyboardMarkup;
}

/** Cuts `text` to `max` characters with an ellipsis, never splitting a surrogate pair. */
function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return "";
  return `${text.slice(0, max - 1).replace(/[\uD800-\uDBFF]$/, "")}…`;
}

/** Shortens the card's description first, then the text, until what the user reads fits. */
function fitToLimit(text: string, card: Card | undefined): { text: string; card: Card | undefined } {
  if (!card) return { text: shorten(text, MAX_MESSAGE_LENGTH), card };
  const title = shorten(card.title, 256);
  // The visible card is "\n\n" + title + "\n" + description + "\n" + footer.
  const footer = card.footer === undefined ? undefined : shorten(card.footer, 256);
  const cardFrame = 2 + title.length + 1 + (footer ? 1 + footer.length : 0);
  const descriptionRoom = Math.max(0, MAX_MESSAGE_LENGTH - text.length - cardFrame);
  const description = shorten(card.description, descriptionRoom);
  const textRoom = MAX_MESSAGE_LENGTH - cardFrame - description.length;
  return { text: shorten(text, textRoom), card: { ...card, title, description, footer } };
}

/** The card under the text; a title or footer the text already says is not said twice. */
function cardHtml(card: Card, text: string): string {
  const lines: string[] = [];
  if (!text.includes(card.title)) {
    const title = escapeHtml(card.title);
    lines.push(`<b>${card.url ? `<a href="${escapeHtml(card.url)}">${title}</a>` : title}</b>`);
  }
  if (card.description) lines.push(escapeHtml(card.description));
  if (card.footer && !text.includes(card.footer)) lines.push(`<i>${escapeHtml(card.footer)}</i>`);
  return lines.join("\n");
}

function keyboardButton(button: Button): InlineKeyboardButton {
  return "url" in button ? { text: button.text, url: button.url } : { text: button.text, callback_data: button.data };
}

/**
 * Translates what the core says into Telegram's HTML parse mode: the text escaped, a card as a
 * bold (linked) title with its description and an italic footer under it, buttons as an inline keyboard,
 * all within the 4096-character limit.
 */
export function toTelegramMessage(message: OutgoingMessage): TelegramMessage {
  const fitted = fitToLimit(message.text, message.card);
  const card = fitted.card ? cardHtml(fitted.card, fitted.text) : "";
  const html = card ? `${escapeHtml(fitted.text)}\n\n${card}` : escapeHtml(fitted.text);
  const rows = message.buttons?.filter((row) => row.length > 0);
  return rows && rows.length > 0 ? { html, replyMarkup: { inline_keyboard: rows.map((row) => row.map(keyboardButton)) } } : { html };
}

import {
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIEmbed,
  ButtonStyle,
  ComponentType,
  escapeMarkdown,
} from "discord.js";
import type { Button, Card, OutgoingMessage } from "../../src/chat/adapter.ts";

/** Discord's documented limits for what a bot message carries. */
export const LIMITS = {
  content: 2000,
  embedTitle: 256,
  embedDescription: 4096,
  // Title + description + footer stay under the 6000-character total of one message's embeds.
  embedFooter: 1024,
  rows: 5,
  buttonsPerRow: 5,
  buttonLabel: 80,
  customId: 100,
  buttonUrl: 512,
} as const;

const LINK = /https?:\/\/\S+/g;
const HTTP_URL = /^https?:\/\//;

/** A message body that the channel routes and the interaction routes both accept. */
export interface DiscordMessageBody {
  content: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponent>[];
  /** Nothing a title or caption says may ping anyone: `@everyone`, `<@id>` and roles stay text. */
  allowed_mentions: { parse: [] };
}

function fit(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * Escapes Discord markdown, masked-link brackets included, so a model-written title like
 * `[tiktok.com/verify](https://evil.example)` shows as typed instead of hiding where it leads.
 */
function escapeText(text: string): string {
  return escapeMarkdown(text).replace(/[[\]]/g, "\\$&");
}

/** Escapes Discord markdown outside links, so titles with `*` or `_` show as typed and links stay clickable (and visible). */
function plain(text: string): string {
  let out = "";
  let last = 0;
  for (const link of text.matchAll(LINK)) {
    out += escapeText(text.slice(last, link.index)) + link[0];
    last = link.index + link[0].length;
  }
  return out + escapeText(text.slice(last));
}

function embedOf(card: Card): APIEmbed {
  return {
    title: fit(plain(card.title), LIMITS.embedTitle),
    ...(card.description && { description: fit(plain(card.description), LIMITS.embedDescription) }),
    ...(card.url && HTTP_URL.test(card.url) && { url: card.url }),
    ...(card.footer && { footer: { text: fit(card.footer, LIMITS.embedFooter) } }),
  };
}

function buttonOf(button: Button): APIButtonComponent {
  const label = fit(button.text, LIMITS.buttonLabel);
  if ("url" in button) {
    if (!HTTP_URL.test(button.url) || button.url.length > LIMITS.buttonUrl) throw new Error(`A link button needs an http(s) URL of at most ${LIMITS.buttonUrl} characters`);
    return { type: ComponentType.Button, style: ButtonStyle.Link, label, url: button.url };
  }
  // The core's button data comes back verbatim as custom_id; cutting it would change its meaning.
  if (button.data.length > LIMITS.customId) throw new Error(`Button data is longer than Discord's ${LIMITS.customId}-character custom_id: ${button.data}`);
  return { type: ComponentType.Button, style: ButtonStyle.Primary, label, custom_id: button.data };
}

/**
 * The Discord form of a chat message: escaped text within 2000 characters, the card as an embed,
 * buttons as action rows. Edits send every part, so a message loses buttons the new version lacks.
 */
export function toDiscordMessage(message: OutgoingMessage): DiscordMessageBody {
  return {
    content: fit(plain(message.text), LIMITS.content),
    embeds: message.card ? [embedOf(message.card)] : [],
    components: (message.buttons ?? [])
      .filter((row) => row.length > 0)
      .slice(0, LIMITS.rows)
      .map((row) => ({ type: ComponentType.ActionRow, components: row.slice(0, LIMITS.buttonsPerRow).map(buttonOf) })),
    allowed_mentions: { parse: [] },
  };
}

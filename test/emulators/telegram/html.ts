import { badRequest, type BotApiError } from "./api-error.ts";

/**
 * Telegram's HTML parse mode: the subset of tags the Bot API accepts, turned into plain text
 * plus entities (offsets in UTF-16 code units, as in the Bot API), refusing what
 * api.telegram.org refuses with the same "can't parse entities" descriptions.
 */

/** A formatting entity on a message text, as the Bot API reports it. */
export interface TextEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  language?: string;
  custom_emoji_id?: string;
  user?: { id: number; is_bot: boolean; first_name: string };
}

/** Text as the user reads it, with its formatting. */
export interface FormattedText {
  text: string;
  entities: TextEntity[];
}

const ENTITY_OF_TAG: Record<string, string> = {
  b: "bold",
  strong: "bold",
  i: "italic",
  em: "italic",
  u: "underline",
  ins: "underline",
  s: "strikethrough",
  strike: "strikethrough",
  del: "strikethrough",
  "tg-spoiler": "spoiler",
  span: "spoiler",
  a: "text_link",
  code: "code",
  pre: "pre",
  blockquote: "blockquote",
  "tg-emoji": "custom_emoji",
};

// The Bot API documents only these four named entities; numeric ones are all accepted.
const NAMED_ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };

interface OpenTag {
  name: string;
  start: number;
  attributes: Record<string, string>;
  language?: string;
}

const cantParse = (reason: string): BotApiError => badRequest(`can't parse entities: ${reason}`);

const byteOffset = (html: string, index: number): number => Buffer.byteLength(html.slice(0, index));

/** Decodes the HTML entity at `index`, or returns undefined when `&` is just a character. */
function decodeEntity(html: string, index: number): { char: string; end: number } | undefined {
  const match = /^&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]+);/i.exec(html.slice(index, index + 12));
  if (!match) return undefined;
  const body = match[1]!;
  const end = index + match[0].length;
  if (body.startsWith("#")) {
    const code = body[1] === "x" || body[1] === "X" ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
    if (code > 0x10ffff) return undefined;
    return { char: String.fromCodePoint(code), end };
  }
  const char = NAMED_ENTITIES[body.toLowerCase()];
  return char === undefined ? undefined : { char, end };
}

/** Decodes entities inside an attribute value. */
function decodeText(value: string): string {
  let out = "";
  for (let i = 0; i < value.length; ) {
    const decoded = value[i] === "&" ? decodeEntity(value, i) : undefined;
    if (decoded) {
      out += decoded.char;
      i = decoded.end;
    } else {
      out += value[i];
      i += 1;
    }
  }
  return out;
}

/** Reads the attributes of a start tag from `from`; returns them and the index after `>`. */
function readAttributes(html: string, from: number, tag: string, at: number): { attributes: Record<string, string>; end: number } {
  const attributes: Record<string, string> = {};
  let i = from;
  for (;;) {
    while (i < html.length && /\s/.test(html[i]!)) i += 1;
    if (i >= html.length) throw cantParse(`Unclosed start tag at byte offset ${at}`);
    if (html[i] === ">") return { attributes, end: i + 1 };
    const nameStart = i;
    while (i < html.length && /[a-z0-9_-]/i.test(html[i]!)) i += 1;
    const name = html.slice(nameStart, i).toLowerCase();
    if (name === "") throw cantParse(`Empty attribute name in the tag "${tag}" at byte offset ${at}`);
    while (i < html.length && /\s/.test(html[i]!)) i += 1;
    if (html[i] !== "=") {
      attributes[name] = "";
      continue;
    }
    i += 1;
    while (i < html.length && /\s/.test(html[i]!)) i += 1;
    const quote = html[i];
    if (quote === '"' || quote === "'") {
      const close = html.indexOf(quote, i + 1);
      if (close < 0) throw cantParse(`Unclosed start tag at byte offset ${at}`);
      attributes[name] = decodeText(html.slice(i + 1, close));
      i = close + 1;
    } else {
      const valueStart = i;
      while (i < html.length && !/[\s>]/.test(html[i]!)) i += 1;
      attributes[name] = decodeText(html.slice(valueStart, i));
    }
  }
}

/** The entity a closed tag produces, if any (empty ranges and bare `<a>` give none). */
function entityOf(tag: OpenTag, end: number): TextEntity | undefined {
  const length = end - tag.start;
  if (length <= 0) return undefined;
  const base = { offset: tag.start, length };
  switch (tag.name) {
    case "a": {
      const href = tag.attributes.href;
      if (!href) return undefined;
      const mention = /^tg:\/\/user\?id=(\d+)$/.exec(href);
      if (mention) return { type: "text_mention", ...base, user: { id: Number(mention[1]), is_bot: false, first_name: "" } };
      return { type: "text_link", ...base, url: href };
    }
    case "pre":
      return { type: "pre", ...base, ...(tag.language ? { language: tag.language } : {}) };
    case "blockquote":
      return { type: "expandable" in tag.attributes ? "expandable_blockquote" : "blockquote", ...base };
    case "tg-emoji":
      return { type: "custom_emoji", ...base, custom_emoji_id: tag.attributes["emoji-id"] };
    default:
      return { type: ENTITY_OF_TAG[tag.name]!, ...base };
  }
}

/** Checks the attributes a tag requires, at the moment it opens. */
function checkStartTag(name: string, attributes: Record<string, string>, at: number): void {
  if (name === "span" && attributes.class !== "tg-spoiler") {
    throw cantParse(`Tag "span" must have class "tg-spoiler" at byte offset ${at}`);
  }
  if (name === "tg-emoji" && !/^\d+$/.test(attributes["emoji-id"] ?? "")) {
    throw cantParse("Invalid custom emoji identifier specified");
  }
}

/**
 * Parses Telegram-flavoured HTML into plain text and entities.
 * Throws a `BotApiError` (400 "can't parse entities: ...") for unsupported, unclosed or
 * mismatched tags, as the Bot API does.
 */
export function parseHtml(html: string): FormattedText {
  let text = "";
  const stack: OpenTag[] = [];
  const entities: TextEntity[] = [];
  let i = 0;
  while (i < html.length) {
    const char = html[i]!;
    if (char === "&") {
      const decoded = decodeEntity(html, i);
      text += decoded ? decoded.char : "&";
      i = decoded ? decoded.end : i + 1;
      continue;
    }
    if (char !== "<") {
      text += char;
      i += 1;
      continue;
    }
    const at = byteOffset(html, i);
    if (html[i + 1] === "/") {
      const close = html.indexOf(">", i);
      if (close < 0) throw cantParse(`Unclosed end tag at byte offset ${at}`);
      const name = html.slice(i + 2, close).trim().toLowerCase();
      const open = stack.pop();
      if (!open) throw cantParse(`Unexpected end tag at byte offset ${at}`);
      if (name !== open.name) {
        throw cantParse(`Unmatched end tag at byte offset ${at}, expected "</${open.name}>", found "</${name}>"`);
      }
      const parent = stack.at(-1);
      const language = /^language-(.+)$/.exec(open.attributes.class ?? "")?.[1];
      // <pre><code class="language-x"> is one pre entity with a language, not two entities.
      if (open.name === "code" && parent?.name === "pre" && language) parent.language = language;
      else {
        const entity = entityOf(open, text.length);
        if (entity) entities.push(entity);
      }
      i = close + 1;
      continue;
    }
    let nameEnd = i + 1;
    while (nameEnd < html.length && !/[\s>]/.test(html[nameEnd]!)) nameEnd += 1;
    const name = html.slice(i + 1, nameEnd).toLowerCase();
    if (!(name in ENTITY_OF_TAG)) throw cantParse(`Unsupported start tag "${name}" at byte offset ${at}`);
    const { attributes, end } = readAttributes(html, nameEnd, name, at);
    checkStartTag(name, attributes, at);
    stack.push({ name, start: text.length, attributes });
    i = end;
  }
  const unclosed = stack.at(-1);
  if (unclosed) throw cantParse(`Can't find end tag corresponding to start tag "${unclosed.name}"`);
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text, entities };
}

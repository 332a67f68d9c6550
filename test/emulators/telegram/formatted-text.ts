import { badRequest } from "./api-error.ts";
import { parseHtml, type FormattedText, type TextEntity } from "./html.ts";
import { optionalJson, optionalString, type Params } from "./params.ts";

/**
 * The text of an outgoing message or edit, read the way the Bot API reads it: parse mode or
 * explicit entities first, then the length limits on the text the user will see.
 */

/** Longest text of a message, in UTF-16 code units after entity parsing. */
export const MAX_TEXT_LENGTH = 4096;

const ENTITY_TYPES = new Set([
  "mention", "hashtag", "cashtag", "bot_command", "url", "email", "phone_number", "bold", "italic",
  "underline", "strikethrough", "spoiler", "blockquote", "expandable_blockquote", "code", "pre",
  "text_link", "text_mention", "custom_emoji", "date_time",
]);

/** Validates explicit `entities` against the text, with the Bot API's descriptions. */
function readEntities(value: unknown, text: string): TextEntity[] {
  if (!Array.isArray(value)) throw badRequest("can't parse entities JSON object");
  return value.map((raw: unknown) => {
    if (typeof raw !== "object" || raw === null) throw badRequest("can't parse MessageEntity");
    const entity = raw as TextEntity;
    if (!ENTITY_TYPES.has(entity.type)) throw badRequest("can't parse MessageEntity: Unsupported type specified");
    if (!Number.isInteger(entity.offset) || entity.offset < 0) {
      throw badRequest(`receive an entity with incorrect offset ${entity.offset}`);
    }
    if (entity.offset > text.length) {
      throw badRequest(`entity begins after the end of the text at UTF-16 offset ${entity.offset}`);
    }
    if (entity.offset + entity.length > text.length) {
      throw badRequest(
        `entity beginning at UTF-16 offset ${entity.offset} ends after the end of the text at UTF-16 offset ${entity.offset + entity.length}`,
      );
    }
    if (entity.type === "text_link" && entity.url === undefined) {
      throw badRequest(`can't parse MessageEntity: Can't find field "url"`);
    }
    return entity;
  });
}

/** Applies `parse_mode` to a raw text. Only HTML is emulated; Markdown modes are refused loudly. */
function applyParseMode(raw: string, mode: string | undefined): FormattedText {
  if (mode === undefined || mode === "") return { text: raw, entities: [] };
  const normalised = mode.toLowerCase();
  if (normalised === "html") return parseHtml(raw);
  if (normalised === "markdown" || normalised === "markdownv2") {
    throw badRequest(`parse_mode ${mode} is not emulated; use HTML or entities`);
  }
  throw badRequest("unsupported parse_mode");
}

/**
 * Reads `text` (+ `parse_mode` / `entities`) of sendMessage or editMessageText and checks it:
 * present, not blank after parsing, at most 4096 characters as the user sees it.
 */
export function readMessageText(params: Params): FormattedText {
  const raw = optionalString(params, "text");
  if (raw === undefined || raw === "") throw badRequest("message text is empty");
  const explicit = optionalJson(params, "entities", "can't parse entities JSON object");
  const formatted =
    explicit === undefined
      ? applyParseMode(raw, optionalString(params, "parse_mode"))
      : { text: raw, entities: readEntities(explicit, raw) };
  if (formatted.text.trim() === "") throw badRequest("text must be non-empty");
  if (formatted.text.length > MAX_TEXT_LENGTH) throw badRequest("message is too long");
  return formatted;
}

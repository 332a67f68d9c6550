import { badRequest } from "./api-error.ts";
import { optionalJson, type Params } from "./params.ts";

/**
 * `reply_markup` as the Bot API checks it. Inline keyboards are validated button by button
 * (text plus exactly one action; callback data 1-64 bytes; URLs http(s) or tg) and kept on
 * the message; reply keyboards are accepted and not shown.
 */

/** One inline button as stored on a message and echoed back to the bot. */
export interface InlineButton {
  text: string;
  url?: string;
  callback_data?: string;
  copy_text?: { text: string };
}

/** The inline keyboard under a message, row by row. */
export interface InlineKeyboardMarkup {
  inline_keyboard: InlineButton[][];
}

export const MAX_CALLBACK_DATA_BYTES = 64;
const ACTIONS = [
  "url", "callback_data", "copy_text", "web_app", "login_url", "switch_inline_query",
  "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "callback_game", "pay",
] as const;
const EMULATED_ACTIONS = new Set(["url", "callback_data", "copy_text"]);
const ALLOWED_URL_PROTOCOLS = new Set(["http:", "https:", "tg:"]);

const buttonError = (reason: string) => badRequest(`can't parse inline keyboard button: ${reason}`);

function checkUrl(url: string): void {
  const invalid = (why: string) => badRequest(`inline keyboard button URL '${url}' is invalid: ${why}`);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
  if (scheme && !ALLOWED_URL_PROTOCOLS.has(`${scheme.toLowerCase()}:`)) throw invalid("Unsupported URL protocol");
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid("Wrong HTTP URL");
  }
  if (parsed.protocol !== "tg:" && parsed.hostname === "") throw invalid("URL host is empty");
}

function readButton(raw: unknown): InlineButton {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw buttonError("expected an Object");
  const button = raw as Record<string, unknown>;
  if (button.text === undefined) throw buttonError(`Can't find field "text"`);
  if (typeof button.text !== "string") throw buttonError(`Field "text" must be of type String`);
  // An empty action value counts as no action, as on api.telegram.org.
  const actions = ACTIONS.filter((name) => button[name] !== undefined && button[name] !== "" && button[name] !== false);
  if (actions.length === 0) throw buttonError("Text buttons are unallowed in the inline keyboard");
  if (actions.length > 1) throw buttonError(`exactly one action field must be used, got ${actions.join(", ")}`);
  const action = actions[0]!;
  if (!EMULATED_ACTIONS.has(action)) throw badRequest(`BUTTON_TYPE_INVALID (${action} buttons are not emulated)`);
  if (action === "callback_data") {
    if (typeof button.callback_data !== "string") throw buttonError(`Field "callback_data" must be of type String`);
    if (Buffer.byteLength(button.callback_data) > MAX_CALLBACK_DATA_BYTES) throw badRequest("BUTTON_DATA_INVALID");
    return { text: button.text, callback_data: button.callback_data };
  }
  if (action === "url") {
    if (typeof button.url !== "string") throw buttonError(`Field "url" must be of type String`);
    checkUrl(button.url);
    return { text: button.text, url: button.url };
  }
  const copy = button.copy_text as { text?: unknown };
  if (typeof copy?.text !== "string" || copy.text === "") throw badRequest("BUTTON_COPY_TEXT_INVALID");
  return { text: button.text, copy_text: { text: copy.text } };
}

function readInlineKeyboard(rows: unknown): InlineKeyboardMarkup {
  if (!Array.isArray(rows)) throw badRequest(`field "inline_keyboard" must be of type Array`);
  return {
    inline_keyboard: rows.map((row: unknown) => {
      if (!Array.isArray(row)) throw badRequest(`field "inline_keyboard" must be an Array of Arrays`);
      return row.map(readButton);
    }),
  };
}

/**
 * Reads `reply_markup`. Returns the inline keyboard to attach to the message, `undefined` for
 * none (absent, or a reply keyboard / remove / force-reply, which chats show elsewhere).
 * With `inlineOnly` (edits), anything but an inline keyboard is refused.
 */
export function readReplyMarkup(params: Params, { inlineOnly = false } = {}): InlineKeyboardMarkup | undefined {
  const markup = optionalJson(params, "reply_markup", "can't parse reply keyboard markup JSON object");
  if (markup === undefined) return undefined;
  if (typeof markup !== "object" || markup === null || Array.isArray(markup)) {
    throw badRequest("can't parse reply keyboard markup JSON object");
  }
  const fields = markup as Record<string, unknown>;
  if ("inline_keyboard" in fields) return readInlineKeyboard(fields.inline_keyboard);
  if (inlineOnly) throw badRequest("inline keyboard expected");
  if ("keyboard" in fields || "remove_keyboard" in fields || "force_reply" in fields) return undefined;
  throw badRequest("can't parse reply keyboard markup JSON object");
}

import { BotApiError, badRequest, conflict } from "./api-error.ts";
import { unixNow, type StoredMessage } from "./chats.ts";
import { readMessageText } from "./formatted-text.ts";
import { readReplyMarkup, type InlineKeyboardMarkup } from "./inline-keyboard.ts";
import {
  has, optionalBoolean, optionalInt, optionalJson, optionalString, requireChatId, requireMessageId, type Params,
} from "./params.ts";
import { commandKey, type BotCommand, type TelegramServer } from "./telegram-server.ts";
import { toTranscriptButtons } from "./timeline.ts";

/**
 * The Bot API methods the emulator serves, each checking its parameters like api.telegram.org
 * and answering with the same result objects and error descriptions.
 */

/** A successful result that also carries Telegram's `description` (setWebhook and friends). */
export class Described {
  readonly result: unknown;
  readonly description: string;

  constructor(result: unknown, description: string) {
    this.result = result;
    this.description = description;
  }
}

type Method = (server: TelegramServer, params: Params, closed: AbortSignal) => unknown;

const CHAT_ACTIONS = new Set([
  "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
  "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note",
]);

const NOT_MODIFIED =
  "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";

const sameMarkup = (a: InlineKeyboardMarkup | undefined, b: InlineKeyboardMarkup | undefined) =>
  JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The bot's own message to edit, or the Bot API's refusal. */
function messageToEdit(server: TelegramServer, params: Params): StoredMessage {
  if (has(params, "inline_message_id")) throw badRequest("MESSAGE_ID_INVALID (inline messages are not emulated)");
  const chat = server.requireChat(requireChatId(params));
  const stored = server.chats.message(chat.chat.id, requireMessageId(params));
  if (!stored) throw badRequest("message to edit not found");
  if (stored.from !== "bot") throw badRequest("message can't be edited");
  return stored;
}

function recordEdit(server: TelegramServer, stored: StoredMessage): void {
  stored.editDate = unixNow();
  server.timeline.record({
    kind: "bot-edit",
    chatId: stored.chatId,
    messageId: stored.messageId,
    text: stored.text,
    buttons: toTranscriptButtons(stored.markup?.inline_keyboard),
  });
}

function readAllowedUpdates(params: Params): string[] | undefined {
  const value = optionalJson(params, "allowed_updates", "can't parse allowed_updates JSON object");
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    throw badRequest("can't parse allowed_updates JSON object");
  }
  return value as string[];
}

/** The message a new one replies to: `reply_parameters.message_id` or the older `reply_to_message_id`. */
function readReplyTarget(params: Params): number | undefined {
  const parameters = optionalJson(params, "reply_parameters", "can't parse reply parameters JSON object") as
    | { message_id?: number }
    | undefined;
  return optionalInt(params, "reply_to_message_id") ?? parameters?.message_id;
}

/** The scope + language key of the command menu a call addresses. */
const menuKey = (params: Params) =>
  commandKey(optionalJson(params, "scope", "can't parse BotCommandScope JSON object"), optionalString(params, "language_code"));

function readCommands(params: Params): BotCommand[] {
  const value = optionalJson(params, "commands", "can't parse commands JSON object");
  if (!Array.isArray(value)) throw badRequest(`parameter "commands" is required`);
  if (value.length > 100) throw badRequest("BOT_COMMANDS_TOO_MUCH");
  return value.map((raw: unknown) => {
    const { command, description } = (raw ?? {}) as Partial<BotCommand>;
    if (typeof command !== "string" || !/^[a-z0-9_]{1,32}$/.test(command)) throw badRequest("BOT_COMMAND_INVALID");
    if (typeof description !== "string" || description.trim() === "" || description.length > 256) {
      throw badRequest("BOT_COMMAND_DESCRIPTION_INVALID");
    }
    return { command, description };
  });
}

const getMe: Method = (server) => ({
  ...server.bot,
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
});

const getUpdates: Method = async (server, params, closed) => {
  if (server.webhook.settings) {
    throw conflict("can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
  }
  const limit = optionalInt(params, "limit") ?? 100;
  const result = await server.updates.poll(
    {
      offset: optionalInt(params, "offset"),
      limit: Math.min(Math.max(limit, 1), 100),
      timeoutSeconds: Math.max(optionalInt(params, "timeout") ?? 0, 0),
      allowedUpdates: readAllowedUpdates(params),
    },
    closed,
  );
  if (result instanceof BotApiError) throw result;
  return result;
};

const setWebhook: Method = (server, params) => {
  const url = optionalString(params, "url") ?? "";
  if (url === "") return deleteWebhook(server, params, new AbortController().signal);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badRequest("invalid webhook URL specified");
  }
  // The real server insists on HTTPS on ports 443/80/88/8443; local test servers are plain HTTP.
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw badRequest("bad webhook: An HTTPS URL must be provided for webhook");
  }
  // An https address is one the real server would call, so its port rule applies.
  if (parsed.protocol === "https:" && !["", "443", "80", "88", "8443"].includes(parsed.port)) {
    throw badRequest("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443");
  }
  const secretToken = optionalString(params, "secret_token");
  if (secretToken !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secretToken)) {
    throw badRequest("secret token contains unallowed characters");
  }
  const maxConnections = optionalInt(params, "max_connections") ?? 40;
  if (maxConnections < 1 || maxConnections > 100) throw badRequest("bad webhook: invalid max_connections specified");
  if (optionalBoolean(params, "drop_pending_updates")) server.updates.dropAll();
  const unchanged = server.webhook.settings?.url === url;
  server.updates.cutOff(conflict("terminated by setWebhook request"));
  server.webhook.set({
    url,
    secretToken,
    maxConnections,
    allowedUpdates: readAllowedUpdates(params),
    ipAddress: optionalString(params, "ip_address"),
  });
  return new Described(true, unchanged ? "Webhook is already set" : "Webhook was set");
};

const deleteWebhook: Method = (server, params) => {
  if (optionalBoolean(params, "drop_pending_updates")) server.updates.dropAll();
  const wasSet = server.webhook.settings !== undefined;
  server.webhook.clear();
  return new Described(true, wasSet ? "Webhook was deleted" : "Webhook is already deleted");
};

const getWebhookInfo: Method = (server) => server.webhook.info();

const sendMessage: Method = (server, params) => {
  const record = server.requireChat(requireChatId(params));
  const { text, entities } = readMessageText(params);
  const markup = readReplyMarkup(params);
  const replyTo = readReplyTarget(params);
  if (replyTo !== undefined && !server.chats.message(record.chat.id, replyTo)) {
    throw badRequest("message to be replied not found");
  }
  const stored = server.chats.add(record.chat.id, { from: "bot", text, entities, isCaption: false, markup, extra: {} });
  server.timeline.record({
    kind: "bot-message",
    chatId: stored.chatId,
    messageId: stored.messageId,
    text,
    buttons: toTranscriptButtons(markup?.inline_keyboard),
  });
  return server.chats.toTelegramMessage(stored, server.bot);
};

const editMessageText: Method = (server, params) => {
  const stored = messageToEdit(server, params);
  const { text, entities } = readMessageText(params);
  // Like the real API, an edit without reply_markup removes the inline keyboard.
  const markup = readReplyMarkup(params, { inlineOnly: true });
  const sameText = stored.text === text && JSON.stringify(stored.entities) === JSON.stringify(entities);
  if (sameText && sameMarkup(stored.markup, markup)) throw badRequest(NOT_MODIFIED);
  if (stored.text !== text) stored.edits.push(text);
  Object.assign(stored, { text, entities, markup });
  recordEdit(server, stored);
  return server.chats.toTelegramMessage(stored, server.bot);
};

const editMessageReplyMarkup: Method = (server, params) => {
  const stored = messageToEdit(server, params);
  const markup = readReplyMarkup(params, { inlineOnly: true });
  if (sameMarkup(stored.markup, markup)) throw badRequest(NOT_MODIFIED);
  stored.markup = markup;
  recordEdit(server, stored);
  return server.chats.toTelegramMessage(stored, server.bot);
};

const deleteMessage: Method = (server, params) => {
  const record = server.requireChat(requireChatId(params));
  const stored = server.chats.message(record.chat.id, requireMessageId(params));
  if (!stored) throw badRequest("message to delete not found");
  stored.deleted = true;
  server.timeline.record({ kind: "bot-delete", chatId: stored.chatId, messageId: stored.messageId, text: stored.text });
  return true;
};

const answerCallbackQuery: Method = (server, params) => {
  const id = optionalString(params, "callback_query_id");
  const query = id === undefined ? undefined : server.callbackQueries.get(id);
  if (!query || query.answered) {
    throw badRequest("query is too old and response timeout expired or query ID is invalid");
  }
  const text = optionalString(params, "text");
  if (text !== undefined && text.length > 200) throw badRequest("MESSAGE_TOO_LONG");
  query.answered = true;
  server.callbackAnswers.push({
    queryId: query.id,
    userId: query.userId,
    data: query.data,
    ...(text ? { text } : {}),
    showAlert: optionalBoolean(params, "show_alert") ?? false,
    ...(has(params, "url") ? { url: optionalString(params, "url") } : {}),
    ...(has(params, "cache_time") ? { cacheTime: optionalInt(params, "cache_time") } : {}),
  });
  return true;
};

const sendChatAction: Method = (server, params) => {
  const record = server.requireChat(requireChatId(params));
  const action = optionalString(params, "action");
  if (action === undefined || !CHAT_ACTIONS.has(action)) throw badRequest("wrong parameter action in request");
  server.timeline.record({ kind: "chat-action", chatId: record.chat.id, data: action });
  return true;
};

const setMyCommands: Method = (server, params) => {
  const commands = readCommands(params);
  server.commandMenus.set(menuKey(params), commands);
  return true;
};

const getMyCommands: Method = (server, params) => server.commandMenus.get(menuKey(params)) ?? [];

const deleteMyCommands: Method = (server, params) => {
  server.commandMenus.delete(menuKey(params));
  return true;
};

const getFile: Method = (server, params) => server.files.getFile(params);

/** The emulated methods by lower-case name (the Bot API ignores the case of method names). */
export const METHODS: Record<string, Method> = Object.fromEntries(
  Object.entries({
    getMe, getUpdates, setWebhook, deleteWebhook, getWebhookInfo, sendMessage, editMessageText,
    editMessageReplyMarkup, deleteMessage, answerCallbackQuery, sendChatAction, setMyCommands,
    getMyCommands, deleteMyCommands, getFile,
  }).map(([name, method]) => [name.toLowerCase(), method]),
);

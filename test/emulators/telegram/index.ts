import type { Request, Response } from "express";
import { telegramContract } from "../../contracts/telegram.ts";
import { startEmulator, type EmulatorHandle, type Fault } from "../kit.ts";
import { BotApiError, tooManyRequests } from "./api-error.ts";
import type { TelegramUser, TranscriptEntry, UserProfile } from "./chats.ts";
import { callMethod, methodOf, mountBotApi } from "./http.ts";
import { createScriptedUser, type ScriptedUser } from "./scripted-user.ts";
import { commandKey, TelegramServer, type ApiCall, type BotCommand, type CallbackAnswer } from "./telegram-server.ts";
import type { ChatEvent } from "./timeline.ts";
import type { WebhookAttempt, WebhookInfo, WebhookOptions } from "./webhook.ts";

/**
 * A local Telegram Bot API server for tests: `/bot<token>/<method>` for the methods a chat bot
 * needs, with long polling and webhook delivery, the real validations and error descriptions,
 * and scripted users whose transcript shows what a person would see.
 *
 * @example
 * const tg = await startTelegramEmulator({ token: "123:abc" });
 * const bot = new Bot("123:abc", { client: { apiRoot: tg.url } });
 * const alice = tg.user(1, { firstName: "Alice" });
 * alice.sendText("/start");
 * const reply = await alice.waitForBot();
 */

export type { TelegramUser, TranscriptEntry, UserProfile } from "./chats.ts";
export type { ButtonPress, ForwardSource, MessageMatcher, ScriptedUser, SentMessage } from "./scripted-user.ts";
export type { ApiCall, BotCommand, CallbackAnswer } from "./telegram-server.ts";
export type { ChatEvent, TranscriptButton } from "./timeline.ts";
export type { WebhookAttempt, WebhookInfo, WebhookOptions } from "./webhook.ts";
export { parseHtml } from "./html.ts";

/** Options of `startTelegramEmulator`. */
export interface TelegramEmulatorOptions {
  /** The one token the server accepts; others get 401 Unauthorized. */
  token: string;
  /** The bot's username in getMe (default "reelnotes_test_bot"). */
  botUsername?: string;
  /** The bot's display name in getMe (default "ReelNotes"). */
  botName?: string;
  /** Webhook retry delays and timeout. */
  webhook?: WebhookOptions;
}

/** A running Telegram emulator: the kit handle plus scripted users and what the bot did. */
export interface TelegramEmulator extends EmulatorHandle {
  readonly token: string;
  /** The bot as getMe describes it. */
  readonly bot: TelegramUser;
  /** Creates (or re-creates) scripted user `id`; their private chat with the bot has the same id. */
  user(id: number, profile: Omit<UserProfile, "id">): ScriptedUser;
  /** What chat `chatId` shows (a user's id for their private chat, a negative id for a group). */
  transcript(chatId: number): TranscriptEntry[];
  /** First event (past or future) `predicate` accepts; rejects after `timeoutMs` (default 5000). */
  waitFor(predicate: (event: ChatEvent) => boolean, timeoutMs?: number): Promise<ChatEvent>;
  /** Every event in order: user messages, presses, bot messages, edits, deletes, chat actions. */
  readonly events: readonly ChatEvent[];
  /** Every answerCallbackQuery, in order. */
  readonly callbackAnswers: readonly CallbackAnswer[];
  /** The default command menu (setMyCommands without scope or language). */
  readonly commands: BotCommand[];
  /** The command menu of a scope and language, if set. */
  commandsFor(scope?: object, languageCode?: string): BotCommand[] | undefined;
  /** getWebhookInfo's current answer. */
  readonly webhookInfo: WebhookInfo;
  /** Every webhook delivery attempt, in order. */
  readonly webhookAttempts: readonly WebhookAttempt[];
  /** Every Bot API call with its parameters and outcome. */
  readonly apiCalls: readonly ApiCall[];
  /** How many times each sent file's path was downloaded from `/file/bot<token>/<path>`. */
  readonly fileDownloads: ReadonlyMap<string, number>;
  /** The parameters of every call to `method` (any case), in order. */
  calls(method: string): Record<string, unknown>[];
  /** Serves `fault` to the next `times` calls of `method` only. */
  failMethod(method: string, fault: Fault, times?: number): void;
  /** Answers the next `times` (default 1) calls of `method` with 429 and `retry_after` (default 1 s). */
  rateLimit(method: string, options?: { times?: number; retryAfterSeconds?: number }): void;
}

function respondToFault(fault: Fault, _req: Request, res: Response): void {
  if (fault.kind === "429") {
    res.status(429).json(tooManyRequests(fault.retryAfterSeconds).toBody());
  } else if (fault.kind === "500" || fault.kind === "503") {
    const description = fault.kind === "500" ? "Internal Server Error" : "Service Unavailable";
    res.status(Number(fault.kind)).json(new BotApiError(Number(fault.kind), description).toBody());
  }
}

/** Starts the emulator on a random local port; `stop()` ends polls, webhook delivery and the server. */
export async function startTelegramEmulator(options: TelegramEmulatorOptions): Promise<TelegramEmulator> {
  const botId = Number(/^(\d+):/.exec(options.token)?.[1] ?? 7_000_000_001);
  const bot: TelegramUser = {
    id: botId,
    is_bot: true,
    first_name: options.botName ?? "ReelNotes",
    username: options.botUsername ?? "reelnotes_test_bot",
  };
  const server: TelegramServer = new TelegramServer(
    options.token,
    bot,
    (method, params) => callMethod(server, method, params, new AbortController().signal),
    options.webhook,
  );
  const handle = await startEmulator((app) => mountBotApi(app, server), { respondToFault, contract: telegramContract() });
  const stopServer = handle.stop;
  const isMethod = (method: string) => (req: Request) => methodOf(req) === method.toLowerCase();

  const extras: Omit<TelegramEmulator, keyof EmulatorHandle> = {
    token: options.token,
    bot,
    user: (id, profile) => createScriptedUser(server, { id, ...profile }),
    transcript: (chatId) => server.chats.transcript(chatId),
    waitFor: (predicate, timeoutMs = 5_000) => server.timeline.waitFor(predicate, timeoutMs),
    events: server.timeline.events,
    callbackAnswers: server.callbackAnswers,
    get commands() {
      return server.commandMenus.get(commandKey(undefined, undefined)) ?? [];
    },
    commandsFor: (scope, languageCode) => server.commandMenus.get(commandKey(scope, languageCode)),
    get webhookInfo() {
      return server.webhook.info();
    },
    webhookAttempts: server.webhook.attempts,
    apiCalls: server.apiCalls,
    fileDownloads: server.files.downloads,
    calls: (method) => server.apiCalls.filter((c) => c.method.toLowerCase() === method.toLowerCase()).map((c) => c.params),
    failMethod: (method, fault, times = 1) => {
      for (let i = 0; i < times; i += 1) handle.failNext(fault, isMethod(method));
    },
    rateLimit: (method, { times = 1, retryAfterSeconds = 1 } = {}) => {
      for (let i = 0; i < times; i += 1) handle.failNext({ kind: "429", retryAfterSeconds }, isMethod(method));
    },
  };
  const emulator = Object.defineProperties(handle, Object.getOwnPropertyDescriptors(extras)) as TelegramEmulator;
  emulator.stop = async () => {
    server.webhook.stop();
    await stopServer();
  };
  return emulator;
}

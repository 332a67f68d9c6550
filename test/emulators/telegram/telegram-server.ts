import { badRequest, forbidden } from "./api-error.ts";
import { FileStore } from "./files.ts";
import { ChatStore, type TelegramUser } from "./chats.ts";
import { Timeline } from "./timeline.ts";
import { UpdateQueue } from "./update-queue.ts";
import { WebhookDelivery, type WebhookOptions } from "./webhook.ts";

/**
 * The state of the emulated Bot API server for one bot: who the bot is, its chats, pending
 * updates, webhook, callback queries and command menus. Methods (methods.ts) act on it; the
 * scripted users (scripted-user.ts) feed it.
 */

/** A command of the bot's menu, as setMyCommands takes it. */
export interface BotCommand {
  command: string;
  description: string;
}

/** What the bot answered to a button press. */
export interface CallbackAnswer {
  queryId: string;
  userId: number;
  /** The callback data of the pressed button. */
  data: string;
  text?: string;
  showAlert: boolean;
  url?: string;
  cacheTime?: number;
}

/** One Bot API call as the emulator handled it. */
export interface ApiCall {
  method: string;
  params: Record<string, unknown>;
  /** Undefined while the call runs (a long poll), then whether it succeeded. */
  ok: boolean | undefined;
  errorCode?: number;
  description?: string;
}

/** A button press waiting for the bot's answerCallbackQuery. */
export interface CallbackQueryRecord {
  id: string;
  userId: number;
  data: string;
  answered: boolean;
}

/** The emulated server of one bot. */
export class TelegramServer {
  readonly chats = new ChatStore();
  readonly timeline = new Timeline();
  readonly updates = new UpdateQueue();
  readonly webhook: WebhookDelivery;
  /** Files people sent to the bot (getFile and the file download path). */
  readonly files = new FileStore();
  readonly callbackQueries = new Map<string, CallbackQueryRecord>();
  readonly callbackAnswers: CallbackAnswer[] = [];
  /** Command menus by scope and language (see `commandKey`). */
  readonly commandMenus = new Map<string, BotCommand[]>();
  /** Every method call with its parameters and outcome, in order. */
  readonly apiCalls: ApiCall[] = [];

  readonly token: string;
  readonly bot: TelegramUser;

  constructor(
    token: string,
    bot: TelegramUser,
    callMethod: (method: string, params: Record<string, unknown>) => Promise<unknown>,
    webhookOptions?: WebhookOptions,
  ) {
    this.token = token;
    this.bot = bot;
    this.webhook = new WebhookDelivery(
      this.updates,
      async ({ method, ...params }) => {
        await callMethod(String(method), params);
      },
      webhookOptions,
    );
  }

  /** The chat the bot may write to, or the Bot API's refusal. */
  requireChat(chatId: number | string) {
    const record = typeof chatId === "number" ? this.chats.find(chatId) : undefined;
    if (!record) throw badRequest("chat not found");
    if (record.chat.type === "private" && this.chats.blockedBy.has(record.chat.id)) {
      throw forbidden("bot was blocked by the user");
    }
    return record;
  }
}

/** The key of a command menu: scope plus language, as setMyCommands distinguishes them. */
export function commandKey(scope: unknown, languageCode: string | undefined): string {
  return `${JSON.stringify(scope ?? { type: "default" })}|${languageCode ?? ""}`;
}

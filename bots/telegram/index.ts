import { autoRetry } from "@grammyjs/auto-retry";
import { Bot } from "grammy";
import type { ChatAdapter } from "../../src/chat/adapter.ts";
import { COMMANDS } from "../../src/chat/commands.ts";
import { LANGUAGES, translator } from "../../src/i18n/index.ts";
import type { ChatCore } from "../../src/chat/core.ts";
import type { Config } from "../../src/config.ts";
import type { Logger } from "../../src/log.ts";
import type { StateStore } from "../../src/state/index.ts";
import type { SentFileSource } from "../../src/jobs/types.ts";
import { createTelegramAdapter } from "./adapter.ts";
import { createTelegramFileSource, TELEGRAM_TOO_BIG } from "./files.ts";
import { ChatOrder } from "./chat-order.ts";
import { throttleCalls } from "./throttle.ts";
import { ALLOWED_UPDATES, routeUpdates } from "./updates.ts";
import { createWebhookHandler, webhookUrlFor, type WebhookOutcome } from "./webhook.ts";

/** A running Telegram bot. */
export interface TelegramBot {
  /** Sends and edits messages; registered with the chat core (also in worker-only processes). */
  adapter: ChatAdapter;
  /** Fetches videos people sent as files (for the pipeline, also in worker-only processes). */
  files: SentFileSource;
  /** `https://t.me/<username>`, for the linking site's "back to the chat" button. */
  link: string;
  /** In webhook mode: handles one update the web site received (secret already checked). */
  handleWebhookUpdate?: (update: unknown) => Promise<WebhookOutcome>;
  stop(): Promise<void>;
}

/** What the bot needs from the composition root. */
export interface TelegramBotDeps {
  config: Config;
  log: Logger;
  chat: ChatCore;
  state: StateStore;
  /** "updates": long polling or webhook as configured; "send-only": no updates, only the adapter. */
  receive: "updates" | "send-only";
}

/** Seconds a getUpdates call waits for news; also how long stopping may wait for the poll to end. */
const POLL_TIMEOUT_SECONDS = 25;

function createBot(config: Config, log: Logger): Bot {
  const bot = new Bot(config.telegram.token!, { client: { apiRoot: config.telegram.apiRoot } });
  // Installed last runs first: a send waits its turn, then retries 429s (retry_after) and 5xx inside it.
  bot.api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60 }));
  bot.api.config.use(throttleCalls());
  bot.catch((error) => log.error({ err: error.error, updateId: error.ctx.update.update_id }, "a Telegram update failed"));
  return bot;
}

/** Long polling, without dropping what arrived while the bot was down; resolves once polling. */
async function startPolling(bot: Bot, log: Logger): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    bot
      .start({ drop_pending_updates: false, allowed_updates: ALLOWED_UPDATES, timeout: POLL_TIMEOUT_SECONDS, onStart: () => resolve() })
      .catch((error: unknown) => {
        log.error({ err: error }, "Telegram long polling stopped");
        reject(error instanceof Error ? error : new Error(String(error)));
      });
  });
}

/**
 * Starts the Telegram bot (grammY): private chats go to the chat core; long polling by default,
 * webhook mode when PUBLIC_URL is https and TELEGRAM_WEBHOOK_SECRET is set, or no updates at
 * all ("send-only") for worker-only processes that just edit progress messages.
 */
export async function startTelegramBot(deps: TelegramBotDeps): Promise<TelegramBot> {
  const { config, log, chat, state } = deps;
  const bot = createBot(config, log);
  const adapter = createTelegramAdapter(bot.api);
  await bot.init();
  const link = `https://t.me/${bot.botInfo.username}`;
  const files = createTelegramFileSource(
    bot.api,
    config.telegram.apiRoot,
    config.telegram.token!,
    TELEGRAM_TOO_BIG,
  );
  if (deps.receive === "send-only") {
    log.info({ bot: bot.botInfo.username }, "Telegram: sending only");
    return { adapter, files, link, stop: async () => {} };
  }

  const order = new ChatOrder();
  const webhookUrl = config.telegram.webhookSecret ? webhookUrlFor(config.publicUrl) : undefined;
  routeUpdates(bot, { chat, adapter, state, log, order, waitForHandling: webhookUrl !== undefined });
  await registerCommandMenus(bot);

  if (webhookUrl) {
    await bot.api.setWebhook(webhookUrl, { secret_token: config.telegram.webhookSecret, allowed_updates: ALLOWED_UPDATES, drop_pending_updates: false });
    log.info({ bot: bot.botInfo.username, webhook: webhookUrl }, "Telegram: webhook mode");
    // The webhook stays set on stop: other instances keep taking updates.
    return { adapter, files, link, handleWebhookUpdate: createWebhookHandler((update) => bot.handleUpdate(update), state, log), stop: () => order.idle() };
  }

  await startPolling(bot, log);
  log.info({ bot: bot.botInfo.username }, "Telegram: long polling");
  return {
    adapter,
    files,
    link,
    async stop() {
      await bot.stop();
      await order.idle();
    },
  };
}

/** The command menu in English for everyone, and in each other language the bot speaks for apps set to it. */
async function registerCommandMenus(bot: Bot): Promise<void> {
  for (const language of LANGUAGES) {
    const t = translator(language);
    const commands = COMMANDS.map((c) => ({ command: c.name, description: t(c.description) }));
    await bot.api.setMyCommands(commands, language === "en" ? {} : { language_code: language });
  }
}

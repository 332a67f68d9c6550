import { Bot } from "grammy";
import type { TelegramEmulator } from "./index.ts";

/** A grammY bot pointed at the emulator, started with long polling; returns it once polling. */
export async function startPollingBot(emulator: TelegramEmulator, setup: (bot: Bot) => void): Promise<Bot> {
  const bot = new Bot(emulator.token, { client: { apiRoot: emulator.url } });
  setup(bot);
  bot.catch((error) => {
    throw error.error;
  });
  await new Promise<void>((resolve, reject) => {
    bot.start({ timeout: 2, onStart: () => resolve() }).catch(reject);
  });
  return bot;
}

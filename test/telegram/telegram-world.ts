import { createServer } from "node:net";
import { expect } from "vitest";
import { consentOverHttp } from "../emulators/notion/index.ts";
import { startTelegramEmulator, type ChatEvent, type ScriptedUser, type TelegramEmulator } from "../emulators/telegram/index.ts";
import { startTestService, type TestService } from "../harness/service.ts";
import { startWorld, type World, type WorldOptions } from "../harness/world.ts";
import { openFreshDatabase } from "../helpers/postgres.ts";
import { Visitor } from "../web/visitor.ts";

/** The bot token the emulator accepts; the part before ":" is the bot's user id. */
export const BOT_TOKEN = "7000000001:telegram-test-token";

/** The real service with its Telegram bot, a Telegram emulator and the rest of the emulated internet. */
export interface TelegramWorld {
  world: World;
  tg: TelegramEmulator;
  service: TestService;
  /** Where the service's web site answers (the connect links point here). */
  siteUrl: string;
  stop(): Promise<void>;
}

/** A free local port, so PUBLIC_URL (and the connect links made from it) can name it up front. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== "object" || !address) throw new Error("no port");
  return address.port;
}

/** Starts everything; `env` adds to (or overrides) the service's environment. */
export async function startTelegramWorld(options: WorldOptions & { env?: Record<string, string> } = {}): Promise<TelegramWorld> {
  const [world, tg, database, port] = await Promise.all([
    startWorld(options),
    startTelegramEmulator({ token: BOT_TOKEN, botUsername: "reelnotes_test_bot" }),
    openFreshDatabase(),
    freePort(),
  ]);
  const siteUrl = `http://127.0.0.1:${port}`;
  const service = await startTestService(world, database.url, {
    TELEGRAM_BOT_TOKEN: BOT_TOKEN,
    TELEGRAM_API_ROOT: tg.url,
    PORT: String(port),
    PUBLIC_URL: siteUrl,
    ...options.env,
  });
  return {
    world,
    tg,
    service,
    siteUrl,
    stop: async () => {
      await service.stop();
      await Promise.all([tg.stop(), world.stop(), database.cleanup()]);
    },
  };
}

/** The URL behind a link button of the newest bot message that has it. */
export function linkButton(user: ScriptedUser, buttonText: string): string {
  const press = user.pressButton((entry) => entry.buttons?.flat().some((b) => b.text === buttonText) ?? false, buttonText);
  if (press.kind !== "url") throw new Error(`"${buttonText}" is not a link button`);
  return press.url;
}

/**
 * Plays the person opening the bot's connect link in a browser and allowing access to every
 * database on Notion's consent page; returns the success page's HTML.
 */
export async function connectOverHttp(connectLink: string): Promise<string> {
  const browser = new Visitor();
  const opened = await browser.get(connectLink);
  expect(opened.status).toBe(302);
  const callback = await consentOverHttp(opened.location!, { all: true });
  const done = await browser.get(callback);
  expect(done.status).toBe(200);
  return done.html;
}

/** /start, follow the "Connect Notion" button through consent, and wait for "Connected" in the chat. */
export async function connectPerson(user: ScriptedUser): Promise<string> {
  user.sendText("/start");
  await user.waitForBot((e) => e.buttons?.flat().some((b) => b.text === "Connect Notion") ?? false, 10_000);
  await connectOverHttp(linkButton(user, "Connect Notion"));
  const connected = await user.waitForBot((e) => e.kind === "bot-message" && (e.text?.startsWith("Connected to") ?? false), 10_000);
  return connected.text!;
}

/** The final state of the progress message `messageId`: saved, or the reason it failed. */
export function outcomeOf(user: ScriptedUser, messageId: number | undefined): Promise<ChatEvent> {
  return user.waitForBot((e) => e.kind === "bot-edit" && e.messageId === messageId && /^(Saved to|Couldn't)/.test(e.text ?? ""), 60_000);
}

/** The jobs of a Telegram user, oldest first, with their database. */
export function jobsOf(w: TelegramWorld, user: ScriptedUser) {
  return w.service.db.prisma.job.findMany({
    where: { user: { identities: { some: { platform: "TELEGRAM", externalUserId: String(user.id) } } } },
    include: { schema: true },
    orderBy: { createdAt: "asc" },
  });
}

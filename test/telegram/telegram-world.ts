import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { consentInBrowser } from "../../scripts/demo/browser.ts";
import { askToConnectOnTelegram, connectedOnTelegram } from "../../scripts/demo/telegram-person.ts";
import { makeCaptionedClip } from "../fixtures/media.ts";
import { startTelegramEmulator, type ChatEvent, type ScriptedUser, type TelegramEmulator } from "../emulators/telegram/index.ts";
import { startTestService, type TestService } from "../harness/service.ts";
import { startWorld, type World, type WorldOptions } from "../harness/world.ts";
import { openFreshDatabase } from "../harness/postgres.ts";

/** A workspace with several databases (so choosing one matters). */
export const MULTI_SOURCE = path.resolve(import.meta.dirname, "../fixtures/workspaces/multi-source.json");

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

/** Starts everything; `env` adds to (or overrides) the service's environment. */
export async function startTelegramWorld(options: WorldOptions & { env?: Record<string, string> } = {}): Promise<TelegramWorld> {
  const [world, tg, database] = await Promise.all([
    startWorld(options),
    startTelegramEmulator({ token: BOT_TOKEN, botUsername: "reelnotes_test_bot" }),
    openFreshDatabase(),
  ]);
  const service = await startTestService(world, database.url, { TELEGRAM_BOT_TOKEN: BOT_TOKEN, TELEGRAM_API_ROOT: tg.url, ...options.env });
  // With PORT=0 the service names the port it got in every link it hands out.
  const siteUrl = service.config.publicUrl;
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

export { linkButton } from "../../scripts/demo/telegram-person.ts";

/** Plays the person opening the bot's connect link and allowing every database; returns the success page. */
export const connectOverHttp = (connectLink: string): Promise<string> => consentInBrowser(connectLink);

/** /start, follow the "Connect Notion" button through consent, and wait for "Connected" in the chat. */
export async function connectPerson(user: ScriptedUser): Promise<string> {
  await consentInBrowser(await askToConnectOnTelegram(user));
  return connectedOnTelegram(user);
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

/** Bot messages after `seq` in the user's chat (messages, not edits), in order. */
export function botMessagesAfter(w: TelegramWorld, user: ScriptedUser, seq: number): ChatEvent[] {
  return w.tg.events.filter((e) => e.seq > seq && e.chatId === user.id && e.kind === "bot-message");
}

/**
 * A Telegram world on the several-databases workspace with 3-second recipe clips `clips` on the
 * video host, started before and stopped after the calling test file. `w()` is the world,
 * `url(name)` the TikTok link of a clip.
 */
export function useRecipeClips<Clip extends string>(clips: readonly Clip[]): { w(): TelegramWorld; url(name: Clip): string } {
  let world: TelegramWorld | undefined;
  beforeAll(async () => {
    world = await startTelegramWorld({ workspaceFile: MULTI_SOURCE, transcript: "Mix everything, wait ten minutes and serve cold." });
    await Promise.all(
      clips.map((name) => makeCaptionedClip(world!.world.mediaDir, { name, seconds: 3, captions: [`Make ${name}`], post: { title: `How to make ${name}` } })),
    );
  });
  afterAll(async () => world?.stop());
  return { w: () => world!, url: (name) => world!.world.videoHost.postUrl(name) };
}

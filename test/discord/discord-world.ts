import { expect } from "vitest";
import { startDiscordEmulator, type DiscordEmulator, type ScriptedUser, type TranscriptEntry } from "../emulators/discord/index.ts";
import { consentOverHttp } from "../emulators/notion/index.ts";
import { startTestService, type TestService } from "../harness/service.ts";
import { startWorld, type World, type WorldOptions } from "../harness/world.ts";
import { openFreshDatabase } from "../helpers/postgres.ts";
import { Visitor } from "../web/visitor.ts";

/** The real service with its Discord bot on the Discord emulator, and the rest of the emulated internet. */
export interface DiscordWorld {
  world: World;
  discord: DiscordEmulator;
  service: TestService;
  stop(): Promise<void>;
}

/** Starts everything; the service's Discord bot logs in to the emulator before this resolves. */
export async function startDiscordWorld(options: WorldOptions = {}): Promise<DiscordWorld> {
  const [world, discord, database] = await Promise.all([startWorld(options), startDiscordEmulator({ heartbeatIntervalMs: 1000 }), openFreshDatabase()]);
  const service = await startTestService(world, database.url, { DISCORD_BOT_TOKEN: discord.token, DISCORD_API_BASE: discord.apiBase });
  return {
    world,
    discord,
    service,
    stop: async () => {
      await service.stop();
      await Promise.all([discord.stop(), world.stop(), database.cleanup()]);
    },
  };
}

/**
 * The site listens on a port chosen at start (PORT=0), so its links name port 0: the test's
 * browser goes to where the site really listens.
 */
function onSite(service: TestService, link: string): string {
  const url = new URL(link);
  return `http://127.0.0.1:${service.port}${url.pathname}${url.search}`;
}

/** The newest bot message of `user` that satisfies `check`, waiting for it. */
export function botMessage(user: ScriptedUser, check: (entry: TranscriptEntry) => boolean, timeoutMs = 10_000): Promise<TranscriptEntry> {
  return user.waitFor((entries) => entries.filter((e) => e.from === "bot" && !e.deferred).reverse().find(check), timeoutMs);
}

/** The URL of the link button labelled `label` on `entry`. */
export function linkButtonUrl(entry: TranscriptEntry, label: string): string {
  const url = entry.buttons?.flat().find((b) => b.label === label)?.url;
  if (!url) throw new Error(`no link button "${label}" on ${JSON.stringify(entry)}`);
  return url;
}

/**
 * Plays the person opening a connect link in a browser, allowing every database on Notion's
 * consent page and landing on the site's success page (the cookie from /connect goes along).
 */
export async function consentInBrowser(service: TestService, connectLink: string): Promise<void> {
  const browser = new Visitor();
  const opened = await browser.get(onSite(service, connectLink));
  expect(opened.status).toBe(302);
  const callback = await consentOverHttp(opened.location!, { all: true });
  const landed = await browser.get(onSite(service, callback));
  expect(landed.status).toBe(200);
}

/** `/connect`, the consent in a browser, and the "Connected" DM that follows. */
export async function connectOverDiscord(w: DiscordWorld, user: ScriptedUser): Promise<TranscriptEntry> {
  const command = user.runCommand("connect");
  const answer = await botMessage(user, (e) => e.kind === "response" && e.buttons !== undefined);
  expect(command.refused).toEqual([]);
  await consentInBrowser(w.service, linkButtonUrl(answer, "Connect Notion"));
  return botMessage(user, (e) => e.kind === "message" && e.text.startsWith("Connected to"));
}

/** Waits until the progress message `messageId` shows the job's outcome (saved or failed). */
export function outcomeOf(user: ScriptedUser, messageId: string, timeoutMs = 90_000): Promise<TranscriptEntry> {
  return botMessage(user, (e) => e.messageId === messageId && /^(Saved|Couldn't)/.test(e.text), timeoutMs);
}

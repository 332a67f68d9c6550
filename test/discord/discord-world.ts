import { expect } from "vitest";
import { startDiscordEmulator, type DiscordEmulator, type DiscordEmulatorOptions, type ScriptedUser, type TranscriptEntry } from "../emulators/discord/index.ts";
import { startTestService, type TestService } from "../harness/service.ts";
import { startWorld, type World, type WorldOptions } from "../harness/world.ts";
import { openFreshDatabase } from "../harness/postgres.ts";
import { botMessage, linkButtonUrl } from "../../scripts/demo/discord-person.ts";
import { consentInBrowser } from "../../scripts/demo/browser.ts";

/** The real service with its Discord bot on the Discord emulator, and the rest of the emulated internet. */
export interface DiscordWorld {
  world: World;
  discord: DiscordEmulator;
  service: TestService;
  stop(): Promise<void>;
}

/** Starts everything; the service's Discord bot logs in to the emulator before this resolves. */
export async function startDiscordWorld(options: WorldOptions & { discord?: DiscordEmulatorOptions } = {}): Promise<DiscordWorld> {
  const [world, discord, database] = await Promise.all([
    startWorld(options),
    startDiscordEmulator({ heartbeatIntervalMs: 1000, ...options.discord }),
    openFreshDatabase(),
  ]);
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

export { botMessage, linkButtonUrl, outcomeOf } from "../../scripts/demo/discord-person.ts";
export { consentInBrowser } from "../../scripts/demo/browser.ts";

/** `/connect`, the consent in a browser, and the "Connected" DM that follows. */
export async function connectOverDiscord(_w: DiscordWorld, user: ScriptedUser): Promise<TranscriptEntry> {
  const command = user.runCommand("connect");
  const answer = await botMessage(user, (e) => e.kind === "response" && e.buttons !== undefined);
  expect(command.refused).toEqual([]);
  await consentInBrowser(linkButtonUrl(answer, "Connect Notion"));
  return botMessage(user, (e) => e.kind === "message" && e.text.startsWith("Connected to"));
}

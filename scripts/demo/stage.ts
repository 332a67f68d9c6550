import type { Language } from "../../src/i18n/index.ts";
import { startTestService, type TestService } from "../../test/harness/service.ts";
import { startWorld, type World } from "../../test/harness/world.ts";
import { startDiscordPlatform } from "./discord-person.ts";
import { freePort } from "./free-port.ts";
import type { ChatPlatform } from "./person.ts";
import { startTelegramPlatform } from "./telegram-person.ts";

/** Everything the demo runs: the emulated internet, one chat platform and the real service. */
export interface Stage {
  world: World;
  platform: ChatPlatform;
  service: TestService;
  stop(): Promise<void>;
}

/** What to start. */
export interface StageOptions {
  platform: "telegram" | "discord";
  workspaceFile: string;
  transcript: string | undefined;
  /** The person's chat app language (default English). */
  language?: Language;
}

/**
 * Starts the emulators and the real service on its embedded defaults: PGlite in a temporary
 * DATA_DIR and in-memory state (no DATABASE_URL or REDIS_URL). Logs only warnings, so the
 * conversation stays readable.
 */
export async function startStage(options: StageOptions): Promise<Stage> {
  const [world, platform, port] = await Promise.all([
    startWorld({ workspaceFile: options.workspaceFile, transcript: options.transcript }),
    options.platform === "discord" ? startDiscordPlatform(options.language) : startTelegramPlatform(options.language),
    freePort(),
  ]);
  try {
    const service = await startTestService(world, undefined, {
      LOG_LEVEL: "warn",
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      ...platform.env,
    });
    return {
      world,
      platform,
      service,
      stop: async () => {
        await service.stop();
        await Promise.all([platform.stop(), world.stop()]);
      },
    };
  } catch (error) {
    await Promise.all([platform.stop(), world.stop()]);
    throw error;
  }
}

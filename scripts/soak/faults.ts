import type { Fault } from "../../test/emulators/kit.ts";
import type { TelegramEmulator } from "../../test/emulators/telegram/index.ts";
import type { World } from "../../test/harness/world.ts";

/** Share of requests each provider answers with a fault. */
export const FAULT_RATES = { openai: 0.2, vision: 0.2, gemini: 0.2, notion: 0.15, videoHost: 0.1, telegram: 0.1 };

const SERVER_TROUBLE: Fault[] = [{ kind: "429", retryAfterSeconds: 1 }, { kind: "500" }, { kind: "503" }, { kind: "hang" }];

/**
 * Every provider misbehaves: 429 with Retry-After, 500, 503 (Gemini's "model overloaded") and
 * requests that never answer (the caller's timeout ends them). Telegram gets no hangs: its
 * long poll is a hanging request by design, and 429/5xx are what Telegram actually sends.
 */
export function injectFaults(world: World, tg: TelegramEmulator): void {
  const providers = [
    [world.openai, FAULT_RATES.openai],
    [world.vision, FAULT_RATES.vision],
    [world.gemini, FAULT_RATES.gemini],
    [world.notion, FAULT_RATES.notion],
    [world.videoHost, FAULT_RATES.videoHost],
  ] as const;
  for (const [emulator, rate] of providers) {
    emulator.behaviour.faultRate = rate;
    emulator.behaviour.randomFaults = SERVER_TROUBLE;
  }
  tg.behaviour.faultRate = FAULT_RATES.telegram;
  tg.behaviour.randomFaults = [{ kind: "429", retryAfterSeconds: 1 }, { kind: "500" }, { kind: "503" }];
}

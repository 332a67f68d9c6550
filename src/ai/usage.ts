import type { UsagePrices } from "../config.ts";
import type { UsageTotals } from "../db/usage.ts";
import type { Logger } from "../log.ts";
import type { AiUsage, CallOptions } from "./types.ts";

/**
 * Logs what one call used, tagged with the job (and, for a clip's audio, the chunk's index in it:
 * chunks of equal length are told apart), and hands it to the caller's `onUsage` to record.
 */
export function reportUsage(log: Logger, usage: AiUsage, call: CallOptions, chunk?: number): void {
  log.info({ usage, jobId: call.jobId, chunk }, "ai usage");
  call.onUsage?.(usage);
}

/** What usage cost, in US dollars, by service and in all. */
export interface UsageCost {
  transcription: number;
  vision: number;
  gemini: number;
  total: number;
}

/**
 * The cost of `usage` at list prices: audio billed by the minute (a fraction of one counts as
 * that fraction), Vision by the image, Gemini by the token. Free tiers are not subtracted.
 */
export function costOf(usage: UsageTotals, prices: UsagePrices): UsageCost {
  const transcription = (usage.audioSeconds / 60) * prices.transcriptionPerMinute;
  const vision = (usage.visionImages / 1000) * prices.visionPer1000Images;
  const gemini = (usage.geminiInputTokens / 1e6) * prices.geminiInputPer1MTokens + (usage.geminiOutputTokens / 1e6) * prices.geminiOutputPer1MTokens;
  return { transcription, vision, gemini, total: transcription + vision + gemini };
}

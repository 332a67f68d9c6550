import { DiscordAPIError, HTTPError, RateLimitError } from "discord.js";
import { TransientError } from "../../src/errors.ts";

/**
 * Discord failures worth another attempt become TransientErrors, so the pipeline's NOTIFY stage
 * retries them; anything else (unknown message, DMs closed, a payload Discord refuses) stays as is.
 * 429s rarely get here: discord.js's REST manager waits them out itself.
 */
export function classifyDiscordFailure(error: unknown): unknown {
  if (error instanceof RateLimitError) return new TransientError("rate_limited", error.message, error.retryAfter, { cause: error });
  if (error instanceof DiscordAPIError || error instanceof HTTPError) {
    if (error.status === 429) return new TransientError("rate_limited", error.message, undefined, { cause: error });
    if (error.status >= 500) return new TransientError("server_error", `Discord answered ${error.status}`, undefined, { cause: error });
    return error;
  }
  if (error instanceof Error && error.name === "AbortError") return new TransientError("timeout", "Discord did not answer in time", undefined, { cause: error });
  if (error instanceof TypeError && /fetch failed/i.test(error.message)) return new TransientError("network", "Discord could not be reached", undefined, { cause: error });
  return error;
}

/** Runs one Discord call, classifying its failure. */
export async function callDiscord<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw classifyDiscordFailure(error);
  }
}

import { DiscordAPIError, HTTPError, RateLimitError } from "discord.js";
import { RecipientUnreachableError } from "../../src/chat/adapter.ts";
import { TransientError } from "../../src/errors.ts";

/** Discord's "Cannot send messages to this user": DMs closed, the bot blocked, no shared server any more. */
const CANNOT_MESSAGE_USER = 50007;

/**
 * Discord failures worth another attempt become TransientErrors, so the pipeline's NOTIFY stage
 * retries them; DMs closed (50007) becomes RecipientUnreachableError; anything else (unknown
 * message, a payload Discord refuses) stays as is.
 * 429s rarely get here: discord.js's REST manager waits them out itself.
 */
export function classifyDiscordFailure(error: unknown, chatId?: string): unknown {
  if (chatId !== undefined && error instanceof DiscordAPIError && error.code === CANNOT_MESSAGE_USER) {
    return new RecipientUnreachableError("DISCORD", chatId, error.message, { cause: error });
  }
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

/** Runs one Discord call, classifying its failure; `chatId` when it writes to a person's DM. */
export async function callDiscord<T>(call: () => Promise<T>, chatId?: string): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw classifyDiscordFailure(error, chatId);
  }
}

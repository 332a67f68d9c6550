import type { Logger } from "../log.ts";
import type { StateStore } from "../state/index.ts";
import { RecipientUnreachableError, type ChatAdapter, type ChatPlatform } from "./adapter.ts";

/** How long a person who blocked the bot is left alone unless they write to it first. */
const REMEMBERED_SECONDS = 90 * 24 * 3600;

const keyOf = (platform: ChatPlatform, chatId: string) => `chat-unreachable:${platform}:${chatId}`;

/**
 * Wraps an adapter so that once a chat refused the bot (blocked, account deleted, DMs closed),
 * nothing more is sent to it, in any process: the platform is not asked again and the caller
 * gets the same RecipientUnreachableError at once.
 */
export function skipUnreachableChats(adapter: ChatAdapter, state: StateStore, log: Logger): ChatAdapter {
  async function guarded<T>(chatId: string, call: () => Promise<T>): Promise<T> {
    if (await state.get(keyOf(adapter.platform, chatId))) {
      throw new RecipientUnreachableError(adapter.platform, chatId, "refused the bot before");
    }
    try {
      return await call();
    } catch (error) {
      if (error instanceof RecipientUnreachableError) {
        log.info({ platform: adapter.platform, chatId }, "a person can no longer be written to; the bot stops messaging them");
        await state.set(keyOf(adapter.platform, chatId), "1", REMEMBERED_SECONDS);
      }
      throw error;
    }
  }
  return {
    platform: adapter.platform,
    send: (chatId, message) => guarded(chatId, () => adapter.send(chatId, message)),
    edit: (chatId, messageId, message) => guarded(chatId, () => adapter.edit(chatId, messageId, message)),
    typing: (chatId) => guarded(chatId, () => adapter.typing(chatId)),
  };
}

/** The person wrote to the bot again (they unblocked it): they may be answered once more. */
export async function markReachable(state: StateStore, platform: ChatPlatform, chatId: string): Promise<void> {
  await state.delete(keyOf(platform, chatId));
}

import type { Transformer } from "grammy";
import PQueue from "p-queue";

/**
 * Outgoing limits, as Telegram states them: about 30 messages a second overall, about one a
 * second per private chat on average (a message with three links may burst three "Queued"
 * replies, as long as the minute stays near one a second), 20 a minute in a group.
 *
 * Built on p-queue rather than @grammyjs/transformer-throttler: that one's Bottleneck limiters
 * pass every call through a lock and several timer turns one call after another, so when
 * twenty people send a link in the same instant their replies left the process tens of
 * milliseconds apart each, and further apart the busier the event loop (measured in issue 18).
 * Here a call with budget left goes out at once.
 */
export interface ThrottleLimits {
  perSecond: number;
  privateChat: { calls: number; perMs: number };
  group: { calls: number; perMs: number };
}

export const TELEGRAM_LIMITS: ThrottleLimits = {
  perSecond: 30,
  privateChat: { calls: 20, perMs: 20_000 },
  group: { calls: 20, perMs: 60_000 },
};

/**
 * A grammY API transformer keeping calls that name a chat within `limits`, one at a time per chat
 * (so a chat's edits never pass its own messages); across chats, new messages before edits.
 */
export function throttleCalls(limits: ThrottleLimits = TELEGRAM_LIMITS): Transformer {
  const everyone = new PQueue({ intervalCap: limits.perSecond, interval: 1000 });
  const chats = new Map<string, PQueue>();
  const queueOf = (chatId: number): PQueue => {
    const key = String(chatId);
    let queue = chats.get(key);
    if (!queue) {
      const limit = chatId < 0 ? limits.group : limits.privateChat;
      const created = new PQueue({ concurrency: 1, intervalCap: limit.calls, interval: limit.perMs });
      // A chat's queue is forgotten once it has been idle for a whole window (its budget is full again).
      created.addEventListener("idle", () => {
        setTimeout(() => {
          if (created.size === 0 && created.pending === 0 && chats.get(key) === created) chats.delete(key);
        }, limit.perMs).unref();
      });
      chats.set(key, created);
      queue = created;
    }
    return queue;
  };
  return (prev, method, payload, signal) => {
    const chatId = payload && typeof payload === "object" && "chat_id" in payload ? Number(payload.chat_id) : Number.NaN;
    // Calls without a numeric chat (getUpdates, getMe, @channel names) are not limited here.
    if (!Number.isFinite(chatId)) return prev(method, payload, signal);
    // Over the overall budget, a new message (an answer someone waits for) goes before progress edits and "typing…".
    const priority = method.startsWith("edit") || method === "sendChatAction" ? 0 : 1;
    return queueOf(chatId).add(() => everyone.add(() => prev(method, payload, signal), { priority }));
  };
}

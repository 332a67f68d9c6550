import { describe, expect, it } from "vitest";
import { throttleCalls, type ThrottleLimits } from "../../bots/telegram/throttle.ts";

/**
 * The outgoing throttle lets calls to different chats leave together (twenty people sending a
 * link at once get their replies side by side), keeps one call at a time per chat, and holds
 * calls beyond the overall budget. Checked on the calls reaching the next transformer, no clock.
 */

interface PendingCall {
  chatId: number;
  method: string;
  release(): void;
}

/** A stand-in for the network: records each call that reaches it and answers when released. */
function network() {
  const reached: PendingCall[] = [];
  const waiters: (() => void)[] = [];
  const prev = ((method: string, payload: { chat_id: number }) =>
    new Promise((resolve) => {
      reached.push({ chatId: payload.chat_id, method, release: () => resolve({ ok: true, result: true }) });
      for (const wake of waiters.splice(0)) wake();
    })) as never;
  const until = async (count: number) => {
    while (reached.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
  };
  return { prev, reached, until };
}

const limits: ThrottleLimits = { perSecond: 30, privateChat: { calls: 20, perMs: 20_000 }, group: { calls: 20, perMs: 60_000 } };

describe("the Telegram send throttle", () => {
  it("lets twenty calls to twenty chats reach the network before any of them is answered", async () => {
    const throttle = throttleCalls(limits);
    const net = network();
    const calls = Array.from({ length: 20 }, (_, i) => throttle(net.prev, "sendMessage", { chat_id: 1000 + i, text: "Queued" } as never));
    await net.until(20);
    expect(new Set(net.reached.map((c) => c.chatId)).size).toBe(20);
    for (const call of net.reached) call.release();
    await Promise.all(calls);
  });

  it("sends one call at a time within a chat, in order", async () => {
    const throttle = throttleCalls(limits);
    const net = network();
    const first = throttle(net.prev, "sendMessage", { chat_id: 7, text: "one" } as never);
    const second = throttle(net.prev, "editMessageText", { chat_id: 7, message_id: 1, text: "two" } as never);
    const other = throttle(net.prev, "sendMessage", { chat_id: 8, text: "elsewhere" } as never);
    await net.until(2);
    // Chat 8 went ahead; chat 7's second call waits for its first.
    expect(net.reached.map((c) => c.chatId).sort()).toEqual([7, 8]);
    net.reached[0]!.release();
    net.reached[1]!.release();
    await Promise.all([first, other]);
    await net.until(3);
    expect(net.reached[2]!.chatId).toBe(7);
    net.reached[2]!.release();
    await second;
  });

  it("holds calls beyond the overall budget of the second", async () => {
    const throttle = throttleCalls({ ...limits, perSecond: 3 });
    const net = network();
    const calls = Array.from({ length: 5 }, (_, i) => throttle(net.prev, "sendMessage", { chat_id: 2000 + i, text: "x" } as never));
    await net.until(3);
    // The budget is spent: the other two wait for the next second's (a timer), not for answers.
    expect(net.reached).toHaveLength(3);
    for (const call of net.reached) call.release();
    await net.until(5);
    for (const call of net.reached.slice(3)) call.release();
    await Promise.all(calls);
  });

  it("over the budget, sends waiting new messages before waiting progress edits of other chats", async () => {
    const throttle = throttleCalls({ ...limits, perSecond: 3 });
    const net = network();
    const spent = [1, 2, 3].map((chat) => throttle(net.prev, "editMessageText", { chat_id: chat, message_id: 1, text: "Downloading…" } as never));
    await net.until(3);
    // Queued in this order while the second's budget is spent: two edits, then two answers.
    const edits = [4, 5].map((chat) => throttle(net.prev, "editMessageText", { chat_id: chat, message_id: 1, text: "Downloading…" } as never));
    const answers = [6, 7].map((chat) => throttle(net.prev, "sendMessage", { chat_id: chat, text: "Queued" } as never));
    for (const call of net.reached) call.release();
    await net.until(5);
    expect(net.reached.slice(3, 5).map((c) => [c.method, c.chatId])).toEqual([
      ["sendMessage", 6],
      ["sendMessage", 7],
    ]);
    for (const call of net.reached.slice(3)) call.release();
    await net.until(7);
    for (const call of net.reached.slice(5)) call.release();
    await Promise.all([...spent, ...edits, ...answers]);
  });
});

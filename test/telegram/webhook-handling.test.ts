import type { Update } from "grammy/types";
import { describe, expect, it } from "vitest";
import { createWebhookHandler } from "../../bots/telegram/webhook.ts";
import { createLogger } from "../../src/log.ts";
import { loadConfig } from "../../src/config.ts";
import { MemoryStateStore } from "../../src/state/memory.ts";

const log = createLogger(loadConfig({ LOG_LEVEL: "silent" }));
const update = (id: number) => ({ update_id: id, message: { message_id: 1, text: "/help" } });

/** A handler whose work is recorded, and fails while `failures` is above zero. */
function recordingHandle(failures = 0) {
  const handled: number[] = [];
  let left = failures;
  return {
    handled,
    handle: async (u: Update) => {
      if (left > 0) {
        left -= 1;
        throw new Error("the process died while handling");
      }
      handled.push(u.update_id);
    },
  };
}

/** A store that fails the `times` next writes of the "handled" mark, as a crash right after handling would. */
class MarkFailingStore extends MemoryStateStore {
  failMarks = 0;
  override async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    if (key.startsWith("tg-update:") && this.failMarks > 0) {
      this.failMarks -= 1;
      throw new Error("the process died before marking the update handled");
    }
    return super.set(key, value, ttlSeconds);
  }
}

describe("Telegram webhook: an update is marked handled only once it is", () => {
  it("handles an update once and ignores its redelivery", async () => {
    const work = recordingHandle();
    const handle = createWebhookHandler(work.handle, new MemoryStateStore(), log);
    expect(await handle(update(1))).toBe("handled");
    expect(await handle(update(1))).toBe("seen-before");
    expect(work.handled).toEqual([1]);
  });

  it("does not lose an update whose handling failed: the redelivery handles it", async () => {
    const work = recordingHandle(1);
    const handle = createWebhookHandler(work.handle, new MemoryStateStore(), log);
    await expect(handle(update(2))).rejects.toThrow("the process died while handling");
    expect(work.handled).toEqual([]);
    expect(await handle(update(2))).toBe("handled");
    expect(await handle(update(2))).toBe("seen-before");
    expect(work.handled).toEqual([2]);
  });

  it("handles again an update that was handled but not marked, so the failure is answered with an error", async () => {
    const store = new MarkFailingStore();
    store.failMarks = 1;
    const work = recordingHandle();
    const handle = createWebhookHandler(work.handle, store, log);
    await expect(handle(update(3))).rejects.toThrow("before marking");
    expect(await handle(update(3))).toBe("handled");
    expect(await handle(update(3))).toBe("seen-before");
    expect(work.handled).toEqual([3, 3]);
  });

  it("asks for a later delivery while the same update is being handled", async () => {
    let finish!: () => void;
    const started: number[] = [];
    const handle = createWebhookHandler(
      (u) => {
        started.push(u.update_id);
        return new Promise<void>((resolve) => (finish = resolve));
      },
      new MemoryStateStore(),
      log,
    );
    const first = handle(update(4));
    await expect.poll(() => started).toEqual([4]);
    expect(await handle(update(4))).toBe("being-handled");
    finish();
    expect(await first).toBe("handled");
    expect(await handle(update(4))).toBe("seen-before");
  });

  it("ignores a body without an update id", async () => {
    const work = recordingHandle();
    expect(await createWebhookHandler(work.handle, new MemoryStateStore(), log)({ message: {} })).toBe("ignored");
    expect(work.handled).toEqual([]);
  });
});

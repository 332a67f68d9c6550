/**
 * Runs work one task after another within a chat and side by side across chats, so one slow
 * conversation (a Telegram 429 wait, a slow database) never holds up everybody else.
 */
export class ChatOrder {
  private readonly tails = new Map<string, Promise<void>>();

  private readonly onError: (error: unknown, chatKey: string) => void;

  constructor(onError: (error: unknown, chatKey: string) => void) {
    this.onError = onError;
  }

  /** Queues `task` behind the earlier tasks of `chatKey`; returns at once. */
  run(chatKey: string, task: () => Promise<void>): void {
    const tail = (this.tails.get(chatKey) ?? Promise.resolve())
      .then(task)
      .catch((error: unknown) => this.onError(error, chatKey))
      .finally(() => {
        if (this.tails.get(chatKey) === tail) this.tails.delete(chatKey);
      });
    this.tails.set(chatKey, tail);
  }

  /** Resolves once every queued task has finished (tasks queued meanwhile included). */
  async idle(): Promise<void> {
    while (this.tails.size > 0) await Promise.all(this.tails.values());
  }
}

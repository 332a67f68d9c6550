/**
 * Runs work one task after another within a chat and side by side across chats, so one slow
 * conversation (a Telegram 429 wait, a slow database) never holds up everybody else.
 */
export class ChatOrder {
  private readonly tails = new Map<string, Promise<void>>();

  /**
   * Queues `task` behind the earlier tasks of `chatKey`; the returned promise settles as the
   * task does (a failure fails only this task, never the ones queued after it).
   */
  run(chatKey: string, task: () => Promise<void>): Promise<void> {
    const done = (this.tails.get(chatKey) ?? Promise.resolve()).then(task);
    const tail = done
      .catch(() => {})
      .finally(() => {
        if (this.tails.get(chatKey) === tail) this.tails.delete(chatKey);
      });
    this.tails.set(chatKey, tail);
    return done;
  }

  /** Resolves once every queued task has finished (tasks queued meanwhile included). */
  async idle(): Promise<void> {
    while (this.tails.size > 0) await Promise.all(this.tails.values());
  }
}

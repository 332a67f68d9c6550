/**
 * Answers to people in progress ("Queued" for the links they just sent). A job's first steps
 * start yt-dlp and ffmpeg, and starting a process blocks this process's thread for a moment
 * (fork copies its page tables: about 15 ms at 200 MB); the worker waits for the answers
 * in progress before it claims jobs, so a crowd's replies are not held up by the crowd's own jobs.
 */
export class Foreground {
  private answering = 0;
  private waiters: (() => void)[] = [];

  /** Runs `work` as an answer in progress. */
  async during<T>(work: () => Promise<T>): Promise<T> {
    this.answering += 1;
    try {
      return await work();
    } finally {
      this.answering -= 1;
      if (this.answering === 0) for (const wake of this.waiters.splice(0)) wake();
    }
  }

  /** Resolves once no answer is in progress, or after `maxMs` at the latest (a steady stream of messages never starves the jobs). */
  quiet(maxMs: number): Promise<void> {
    if (this.answering === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        // A wait that timed out leaves no trace: a chat that is never quiet must not pile them up.
        this.waiters = this.waiters.filter((waiter) => waiter !== done);
        resolve();
      };
      const timer = setTimeout(done, maxMs);
      timer.unref();
      this.waiters.push(done);
    });
  }
}

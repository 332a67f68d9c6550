import type { SlidingWindow, StateStore } from "./store.ts";

interface Entry {
  value: string;
  expiresAt: number;
}

/** The in-process store used when no Redis is configured (one process only). */
export class MemoryStateStore implements StateStore {
  readonly kind = "memory";
  private readonly entries = new Map<string, Entry>();
  private readonly sweeper: NodeJS.Timeout;

  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private sweep(): void {
    for (const key of this.entries.keys()) this.live(key);
  }

  async get(key: string): Promise<string | undefined> {
    return this.live(key)?.value;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.entries.set(key, { value, expiresAt: this.now() + ttlSeconds * 1000 });
  }

  async setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean> {
    if (this.live(key)) return false;
    await this.set(key, value, ttlSeconds);
    return true;
  }

  async take(key: string): Promise<string | undefined> {
    const entry = this.live(key);
    this.entries.delete(key);
    return entry?.value;
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async countWithinLimit(window: SlidingWindow, limit: number, ttlSeconds: number) {
    // No await between the check and the count: one step for every caller in this process.
    const previous = Number(this.live(window.previous)?.value ?? 0);
    const current = Number(this.live(window.current)?.value ?? 0);
    if (previous * window.previousWeight + current + 1 > limit) return { counted: false, current, previous };
    const entry = this.live(window.current);
    this.entries.set(window.current, { value: String(current + 1), expiresAt: entry?.expiresAt ?? this.now() + ttlSeconds * 1000 });
    return { counted: true, current: current + 1, previous };
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.entries.clear();
  }
}

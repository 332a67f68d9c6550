import { conflict, type BotApiError } from "./api-error.ts";

/**
 * Updates waiting for the bot, with getUpdates' long polling: updates stay until confirmed by
 * a later offset, a new poll cuts off the previous one (409), and an empty queue holds the
 * request open until an update arrives or the timeout passes.
 */

/** A Telegram `Update`: its id plus one field naming what happened. */
export type Update = { update_id: number } & Record<string, unknown>;

/** Options of one getUpdates call, already parsed. */
export interface PollOptions {
  offset?: number;
  limit: number;
  timeoutSeconds: number;
  allowedUpdates?: string[];
}

interface WaitingPoll {
  limit: number;
  finish: (result: Update[] | BotApiError) => void;
}

// Telegram's default when allowed_updates is empty leaves these out.
const OPT_IN_UPDATES = new Set(["chat_member", "message_reaction", "message_reaction_count"]);

/** The update queue of one bot. */
export class UpdateQueue {
  private pending: Update[] = [];
  private nextUpdateId = 700_000_001;
  private waiting?: WaitingPoll;
  private allowedUpdates: string[] = [];
  /** Called after every new update (webhook delivery listens). */
  onPush: () => void = () => undefined;

  /** Adds an update (numbered in arrival order) unless `allowed_updates` filters it out. */
  push(content: Record<string, unknown>): Update {
    const update: Update = { update_id: this.nextUpdateId++, ...content };
    const type = Object.keys(content)[0]!;
    const allowed = this.allowedUpdates.length > 0 ? this.allowedUpdates.includes(type) : !OPT_IN_UPDATES.has(type);
    if (!allowed) return update;
    this.pending.push(update);
    if (this.waiting) this.finishWaiting(this.available(this.waiting.limit));
    this.onPush();
    return update;
  }

  /** Updates not yet confirmed. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /** The oldest unconfirmed update. */
  first(): Update | undefined {
    return this.pending[0];
  }

  /** Forgets one update (webhook delivered it, or gave up). */
  confirm(updateId: number): void {
    this.pending = this.pending.filter((u) => u.update_id !== updateId);
  }

  /** Forgets every pending update (`drop_pending_updates`). */
  dropAll(): void {
    this.pending = [];
  }

  /** Ends a waiting getUpdates with `error` (another poll, or a webhook taking over). */
  cutOff(error: BotApiError): void {
    this.finishWaiting(error);
  }

  /** getUpdates: confirms below `offset`, then answers at once or waits up to the timeout. */
  poll(options: PollOptions, closed: AbortSignal): Promise<Update[] | BotApiError> {
    this.applyOffset(options.offset);
    if (options.allowedUpdates) this.allowedUpdates = options.allowedUpdates;
    this.cutOff(conflict("terminated by other getUpdates request; make sure that only one bot instance is running"));
    const ready = this.available(options.limit);
    if (ready.length > 0 || options.timeoutSeconds <= 0) return Promise.resolve(ready);
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.finishWaiting([]), options.timeoutSeconds * 1000);
      const waiting: WaitingPoll = {
        limit: options.limit,
        finish: (result) => {
          clearTimeout(timer);
          closed.removeEventListener("abort", onClose);
          resolve(result);
        },
      };
      // A bot that gives up on its request (grammY's stop) must not leave a ghost poll behind.
      const onClose = () => {
        if (this.waiting === waiting) this.finishWaiting([]);
      };
      closed.addEventListener("abort", onClose);
      this.waiting = waiting;
    });
  }

  private finishWaiting(result: Update[] | BotApiError): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.finish(result);
  }

  private available(limit: number): Update[] {
    return this.pending.slice(0, limit);
  }

  private applyOffset(offset: number | undefined): void {
    if (offset === undefined) return;
    // A negative offset keeps only the last -offset updates and forgets the rest.
    if (offset < 0) this.pending = this.pending.slice(offset);
    else this.pending = this.pending.filter((u) => u.update_id >= offset);
  }
}

import type { InlineButton } from "./inline-keyboard.ts";

/**
 * Everything that happens in the emulated chats, in order: what scripted users do and what
 * the bot does. Tests wait on it instead of sleeping.
 */

/** A button as the user sees it under a message. */
export interface TranscriptButton {
  text: string;
  url?: string;
  data?: string;
}

/** One thing that happened in a chat. */
export interface ChatEvent {
  /** Position in the timeline, from 1. */
  seq: number;
  kind: "user-message" | "button-press" | "bot-message" | "bot-edit" | "bot-delete" | "chat-action";
  chatId: number;
  messageId?: number;
  /** The message text (or caption) as the user reads it after this event. */
  text?: string;
  buttons?: TranscriptButton[][];
  /** Callback data of a press, or the action of a chat action ("typing"). */
  data?: string;
  at: number;
}

/** Turns stored inline buttons into what the user sees: text plus a link or callback data. */
export function toTranscriptButtons(rows: InlineButton[][] | undefined): TranscriptButton[][] | undefined {
  return rows?.map((row) =>
    row.map((button) => ({
      text: button.text,
      ...(button.url !== undefined ? { url: button.url } : {}),
      ...(button.callback_data !== undefined ? { data: button.callback_data } : {}),
    })),
  );
}

interface Waiter {
  predicate: (event: ChatEvent) => boolean;
  fromSeq: number;
  resolve: (event: ChatEvent) => void;
}

/** The ordered event log with waiting. */
export class Timeline {
  readonly events: ChatEvent[] = [];
  private readonly waiters = new Set<Waiter>();

  /** Appends an event and wakes whoever waits for it. */
  record(event: Omit<ChatEvent, "seq" | "at">): ChatEvent {
    const full: ChatEvent = { ...event, seq: this.events.length + 1, at: Date.now() };
    this.events.push(full);
    for (const waiter of this.waiters) {
      if (full.seq > waiter.fromSeq && waiter.predicate(full)) {
        this.waiters.delete(waiter);
        waiter.resolve(full);
      }
    }
    return full;
  }

  /** The sequence number of the latest event (0 when none). */
  get lastSeq(): number {
    return this.events.length;
  }

  /**
   * Resolves with the first event after `fromSeq` that `predicate` accepts, including ones
   * already recorded; rejects after `timeoutMs` with the recent events in the message.
   */
  waitFor(predicate: (event: ChatEvent) => boolean, timeoutMs: number, fromSeq = 0): Promise<ChatEvent> {
    const past = this.events.find((event) => event.seq > fromSeq && predicate(event));
    if (past) return Promise.resolve(past);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        fromSeq,
        resolve: (event) => {
          clearTimeout(timer);
          resolve(event);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const recent = this.events.slice(-8).map((e) => `#${e.seq} ${e.kind} chat ${e.chatId}: ${JSON.stringify(e.text ?? e.data ?? "")}`);
        reject(new Error(`Telegram emulator: no matching event within ${timeoutMs} ms. Recent events:\n${recent.join("\n")}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }
}

import { telegramContract } from "../../contracts/telegram.ts";
import { recordVerdict } from "../../contracts/validation/ledger.ts";
import { unixNow } from "./chats.ts";
import type { Update, UpdateQueue } from "./update-queue.ts";

/**
 * Webhook delivery: after setWebhook, each update is POSTed as JSON to the bot's URL (with
 * the X-Telegram-Bot-Api-Secret-Token header when a secret was set), one at a time and in
 * order; a non-2xx answer or a network error is retried after a delay, then given up.
 */

/** What setWebhook configured. */
export interface WebhookSettings {
  url: string;
  secretToken?: string;
  maxConnections: number;
  allowedUpdates?: string[];
  ipAddress?: string;
}

/** One delivery attempt, for tests to assert on. */
export interface WebhookAttempt {
  updateId: number;
  attempt: number;
  /** HTTP status of the bot's answer, when it answered. */
  status?: number;
  error?: string;
  secretToken?: string;
}

/** The `WebhookInfo` object of getWebhookInfo. */
export interface WebhookInfo {
  url: string;
  has_custom_certificate: boolean;
  pending_update_count: number;
  ip_address?: string;
  last_error_date?: number;
  last_error_message?: string;
  max_connections?: number;
  allowed_updates?: string[];
}

/** How delivery behaves; small delays keep tests fast. */
export interface WebhookOptions {
  /** Waits before each retry; their count is the number of retries. Default [100, 250, 500, 1000]. */
  retryDelaysMs?: number[];
  /** How long the bot may take to answer one delivery. Default 10 s. */
  timeoutMs?: number;
}

type Outcome = "delivered" | "given-up" | "cancelled";

/** Delivers the queue to the webhook while one is set. */
export class WebhookDelivery {
  settings?: WebhookSettings;
  readonly attempts: WebhookAttempt[] = [];
  private lastErrorDate?: number;
  private lastErrorMessage?: string;
  private running = false;
  private readonly stopping = new AbortController();
  private readonly retryDelaysMs: number[];
  private readonly timeoutMs: number;

  private readonly queue: UpdateQueue;
  /** Runs a method the bot put in its webhook answer ("webhook reply"). */
  private readonly onReply: (body: Record<string, unknown>) => Promise<void>;

  constructor(
    queue: UpdateQueue,
    onReply: (body: Record<string, unknown>) => Promise<void>,
    options: WebhookOptions = {},
  ) {
    this.queue = queue;
    this.onReply = onReply;
    this.retryDelaysMs = options.retryDelaysMs ?? [100, 250, 500, 1000];
    this.timeoutMs = options.timeoutMs ?? 10_000;
    queue.onPush = () => this.kick();
  }

  /** Sets the webhook and starts delivering what is pending. */
  set(settings: WebhookSettings): void {
    this.settings = settings;
    this.lastErrorDate = undefined;
    this.lastErrorMessage = undefined;
    this.kick();
  }

  /** Removes the webhook; undelivered updates stay for getUpdates. */
  clear(): void {
    this.settings = undefined;
  }

  /** getWebhookInfo's answer. */
  info(): WebhookInfo {
    const s = this.settings;
    return {
      url: s?.url ?? "",
      has_custom_certificate: false,
      pending_update_count: this.queue.pendingCount,
      ...(s?.ipAddress ? { ip_address: s.ipAddress } : {}),
      ...(this.lastErrorDate ? { last_error_date: this.lastErrorDate, last_error_message: this.lastErrorMessage } : {}),
      ...(s ? { max_connections: s.maxConnections } : {}),
      ...(s?.allowedUpdates ? { allowed_updates: s.allowedUpdates } : {}),
    };
  }

  /** Stops delivering for good (emulator shutdown). */
  stop(): void {
    this.stopping.abort();
  }

  private kick(): void {
    if (this.running || !this.settings || this.stopping.signal.aborted) return;
    this.running = true;
    void this.run().finally(() => {
      this.running = false;
      if (this.queue.first()) this.kick();
    });
  }

  private async run(): Promise<void> {
    for (let update = this.queue.first(); update && this.settings; update = this.queue.first()) {
      const outcome = await this.deliver(update);
      if (outcome === "cancelled") return;
      this.queue.confirm(update.update_id);
    }
  }

  private async deliver(update: Update): Promise<Outcome> {
    for (let attempt = 1; ; attempt += 1) {
      const settings = this.settings;
      if (!settings || this.stopping.signal.aborted) return "cancelled";
      const error = await this.post(settings, update, attempt);
      if (error === undefined) return "delivered";
      this.lastErrorDate = unixNow();
      this.lastErrorMessage = error;
      const delay = this.retryDelaysMs[attempt - 1];
      if (delay === undefined) return "given-up";
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  /** One POST; returns Telegram's last_error_message wording on failure. */
  private async post(settings: WebhookSettings, update: Update, attempt: number): Promise<string | undefined> {
    const record: WebhookAttempt = { updateId: update.update_id, attempt, secretToken: settings.secretToken };
    this.attempts.push(record);
    // What the bot receives is checked against the Bot API description like every other answer.
    recordVerdict("telegram", "response", telegramContract().checkUpdate(update), 200);
    try {
      const response = await fetch(settings.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(settings.secretToken ? { "X-Telegram-Bot-Api-Secret-Token": settings.secretToken } : {}),
        },
        body: JSON.stringify(update),
        signal: AbortSignal.any([this.stopping.signal, AbortSignal.timeout(this.timeoutMs)]),
      });
      record.status = response.status;
      const body = await response.text();
      if (response.status < 200 || response.status > 299) {
        return (record.error = `Wrong response from the webhook: ${response.status} ${response.statusText}`);
      }
      await this.runReply(response.headers.get("content-type"), body);
      return undefined;
    } catch (error) {
      return (record.error = `Connection failed: ${(error as Error).message}`);
    }
  }

  private async runReply(contentType: string | null, body: string): Promise<void> {
    if (!contentType?.includes("application/json") || body.trim() === "") return;
    try {
      const parsed = JSON.parse(body) as unknown;
      if (typeof parsed === "object" && parsed !== null && "method" in parsed) await this.onReply(parsed as Record<string, unknown>);
    } catch {
      // Telegram ignores answers it cannot use, and so does the emulator.
    }
  }
}

import type { ProgressMessageRef } from "../db/jobs.ts";
import type { UsagePrices } from "../config.ts";
import type { Repositories } from "../db/repositories.ts";
import type { DatabaseChoice } from "../db/schemas.ts";
import type { LinkOptions } from "../links.ts";
import type { Logger } from "../log.ts";
import type { StateStore } from "../state/index.ts";
import type { ChatAdapter, ChatPlatform } from "./adapter.ts";
import type { Foreground } from "./foreground.ts";

export type { DatabaseChoice } from "../db/schemas.ts";

/** What the chat core needs from the rest of the service. */
export interface ChatDeps {
  repos: Repositories;
  state: StateStore;
  log: Logger;
  publicUrl: string;
  linkOptions: LinkOptions;
  maxLinksPerHour: number;
  /** No Gemini key: pages are made without a summary, and "Queued" says so at once. */
  summaryOff?: boolean;
  /** List prices per billed unit, for /usage. */
  prices: UsagePrices;
  /** The clock of the hourly link allowance; tests move it. */
  now?: () => number;
  /** Tells this process's worker that jobs are waiting. */
  wakeWorker(): void;
  /** Answers in progress, which this process's worker lets go first (see Foreground). */
  foreground?: Foreground;
  /** Re-reads the person's databases from Notion and stores them. */
  refreshDatabases(userId: string): Promise<DatabaseChoice[]>;
  /** Revokes the person's Notion token at Notion; false (already logged) when Notion did not confirm. Never throws. */
  revokeNotion(userId: string): Promise<boolean>;
  /** Shows an ended job's outcome on one message (set by the chat core, from its progress sink). */
  showEnded?(jobId: string, ref: ProgressMessageRef): Promise<void>;
}

/** The adapters of the platforms this process runs, by platform. */
export type AdapterRegistry = Map<ChatPlatform, ChatAdapter>;

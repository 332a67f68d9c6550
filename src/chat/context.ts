import type { Database } from "../db/client.ts";
import type { LinkOptions } from "../links.ts";
import type { Logger } from "../log.ts";
import type { StateStore } from "../state/index.ts";
import type { ChatAdapter, ChatPlatform } from "./adapter.ts";

/** A database as the chat offers it. */
export interface DatabaseChoice {
  id: string;
  title: string;
  tag: string;
}

/** What the chat core needs from the rest of the service. */
export interface ChatDeps {
  db: Database;
  state: StateStore;
  log: Logger;
  publicUrl: string;
  linkOptions: LinkOptions;
  maxLinksPerHour: number;
  /** Tells this process's worker that jobs are waiting. */
  wakeWorker(): void;
  /** Re-reads the person's databases from Notion and stores them. */
  refreshDatabases(userId: string): Promise<DatabaseChoice[]>;
}

/** The adapters of the platforms this process runs, by platform. */
export type AdapterRegistry = Map<ChatPlatform, ChatAdapter>;

import { EventEmitter } from "node:events";
import type { CommandDefinition } from "./command-payload.ts";
import { AttachmentCdn, type StoredAttachment } from "./cdn.ts";
import { nextSnowflake } from "./ids.ts";
import type { MessageContent } from "./message-payload.ts";

/**
 * What the emulated Discord remembers: the bot, scripted users and their DM channels, messages
 * with their edit history, interactions with their responses, and the registered commands.
 * Every change emits "change" so tests can wait on a condition instead of sleeping.
 */

/** A Discord user object as the API returns it. */
export interface ApiUser {
  id: string;
  username: string;
  global_name: string | null;
  discriminator: string;
  avatar: string | null;
  bot?: boolean;
  public_flags: number;
  flags: number;
  primary_guild: null;
}

/** A message in a DM channel, including interaction responses (ephemeral or not) and command uses. */
export interface StoredMessage extends MessageContent {
  id: string;
  channelId: string;
  from: "user" | "bot";
  /** "command" is a slash command use; "response"/"follow-up" answer an interaction. */
  kind: "message" | "command" | "response" | "follow-up";
  flags: number;
  /** A deferred response shows "<bot> is thinking…" until it is edited. */
  deferred: boolean;
  interactionId?: string;
  /** Message id this one replies to (message_reference). */
  replyTo?: string;
  /** Files a user attached, served by the CDN. */
  files?: StoredAttachment[];
  /** The content after each edit, oldest first. */
  edits: string[];
  createdAt: number;
  editedAt: number | null;
}

/** A command after registration: Discord adds ids and a version. */
export type RegisteredCommand = CommandDefinition & { id: string; application_id: string; version: string };

/** An interaction response the bot sent to `POST /interactions/:id/:token/callback`. */
export interface InteractionResponse {
  type: number;
  data?: unknown;
  at: number;
}

/** An interaction the emulator dispatched, and how the bot answered it (a live view). */
export interface InteractionRecord {
  id: string;
  token: string;
  /** 2 application command, 3 message component, 4 autocomplete. */
  type: 2 | 3 | 4;
  userId: string;
  channelId: string;
  commandName?: string;
  customId?: string;
  /** The message whose component was used (type 3). */
  componentMessageId?: string;
  dispatchedAt: number;
  /** The accepted initial response, once there is one. */
  response?: InteractionResponse;
  /** Callbacks Discord refused: 10062 after the response window, 40060 when already acknowledged. */
  refused: { code: number; at: number; type?: number }[];
  /** The message created by a type 4/5 response ("@original"). */
  originalMessageId?: string;
  followUpIds: string[];
}

interface UserState {
  user: ApiUser;
  channelId: string;
  dmsClosed: boolean;
  /** The client language Discord reports with this user's interactions. */
  locale: string;
}

/** The emulator's memory, shared by REST routes, the gateway and scripted users. */
export class DiscordStore extends EventEmitter {
  readonly users = new Map<string, UserState>();
  /** DM channel id -> the user at the other end. */
  readonly channels = new Map<string, string>();
  readonly messages = new Map<string, StoredMessage>();
  readonly interactions = new Map<string, InteractionRecord>();
  commands: RegisteredCommand[] = [];
  /** Files users attached, and the CDN that serves them. */
  readonly cdn = new AttachmentCdn();

  readonly bot: ApiUser;
  readonly applicationId: string;

  constructor(
    bot: ApiUser,
    applicationId: string,
  ) {
    super();
    this.bot = bot;
    this.applicationId = applicationId;
    this.setMaxListeners(0);
  }

  /** Tells waiters that something changed. */
  changed(): void {
    this.emit("change");
  }

  /** The scripted user `id`, created on first use with their DM channel to the bot. */
  ensureUser(id: string, username = `user${id.slice(-4)}`, locale = "en-US"): UserState {
    let state = this.users.get(id);
    if (!state) {
      const user: ApiUser = { id, username, global_name: username, discriminator: "0", avatar: null, public_flags: 0, flags: 0, primary_guild: null };
      state = { user, channelId: nextSnowflake(), dmsClosed: false, locale };
      this.users.set(id, state);
      this.channels.set(state.channelId, id);
    }
    return state;
  }

  /** Adds a message to a channel and returns it. */
  addMessage(fields: Omit<StoredMessage, "id" | "edits" | "createdAt" | "editedAt" | "deferred" | "flags"> & Partial<StoredMessage>): StoredMessage {
    const message: StoredMessage = { id: nextSnowflake(), edits: [], createdAt: Date.now(), editedAt: null, deferred: false, flags: 0, ...fields };
    this.messages.set(message.id, message);
    this.changed();
    return message;
  }

  /** Replaces what a message shows and records the edit. */
  editMessage(message: StoredMessage, next: MessageContent): void {
    Object.assign(message, next, { deferred: false, editedAt: Date.now() });
    message.edits.push(next.content);
    this.changed();
  }

  /** Messages of one channel, oldest first. */
  channelMessages(channelId: string): StoredMessage[] {
    return [...this.messages.values()].filter((message) => message.channelId === channelId);
  }

  /**
   * Resolves with the first truthy value `check` returns, re-checking after every change (and every 25 ms);
   * rejects after `timeoutMs` with `describe()` in the message, to show what was there instead.
   */
  waitFor<T>(check: () => T | undefined | null | false, timeoutMs: number, describe: () => string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const attempt = () => {
        let value: T | undefined | null | false;
        try {
          value = check();
        } catch (error) {
          finish();
          reject(error as Error);
          return;
        }
        if (value) {
          finish();
          resolve(value);
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`Discord emulator: condition not met within ${timeoutMs} ms. ${describe()}`));
      }, timeoutMs);
      // Conditions may also read state outside the store (the client's, the gateway's): poll too.
      const poll = setInterval(attempt, 25);
      const finish = () => {
        clearTimeout(timer);
        clearInterval(poll);
        this.off("change", attempt);
      };
      this.on("change", attempt);
      attempt();
    });
  }
}

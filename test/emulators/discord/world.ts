import { toApiMessage } from "./api-objects.ts";
import { Intents, type Gateway } from "./gateway.ts";
import { MessageFlags } from "./message-payload.ts";
import type { DiscordStore, StoredMessage } from "./store.ts";

/** Timing rules of interactions. */
export interface InteractionTiming {
  /** How long after dispatch the initial response is accepted (Discord: 3 s). */
  responseWindowMs: number;
  /** How long the interaction token works for edits and follow-ups (Discord: 15 min). */
  tokenLifetimeMs: number;
}

/** Everything a route or a scripted user acts on: the store, the gateway and the rules. */
export interface DiscordWorld {
  store: DiscordStore;
  gateway: Gateway;
  token: string;
  timing: InteractionTiming;
}

/**
 * Tells the bot about a message over the gateway, as Discord does in DMs (its own messages
 * included). Ephemeral messages are never dispatched; DMs need the DIRECT_MESSAGES intent.
 */
export function announceMessage(world: DiscordWorld, event: "MESSAGE_CREATE" | "MESSAGE_UPDATE", message: StoredMessage): void {
  if (message.flags & MessageFlags.Ephemeral) return;
  world.gateway.dispatch(event, { ...toApiMessage(world.store, message), channel_type: 1 }, Intents.DirectMessages);
}

import { toApiDmChannel, toApiMessage } from "./api-objects.ts";
import { randomToken, nextSnowflake } from "./ids.ts";
import type { DiscordStore, InteractionRecord, StoredMessage } from "./store.ts";

/** The INTERACTION_CREATE payloads a user's actions in their DM produce. */

/** What the bot may do in a DM: view, send, embed links, attach files, read history, react, use app commands. */
const DM_APP_PERMISSIONS = ((1n << 10n) | (1n << 11n) | (1n << 14n) | (1n << 15n) | (1n << 16n) | (1n << 6n) | (1n << 31n)).toString();

/** Interaction types. */
export const InteractionType = { ApplicationCommand: 2, MessageComponent: 3, Autocomplete: 4 } as const;

/** Registers a new interaction from `userId` in their DM and returns its record. */
export function openInteraction(
  store: DiscordStore,
  userId: string,
  type: InteractionRecord["type"],
  fields: Pick<InteractionRecord, "commandName" | "customId" | "componentMessageId"> = {},
): InteractionRecord {
  const state = store.users.get(userId)!;
  const record: InteractionRecord = {
    id: nextSnowflake(),
    token: `aW50ZXJhY3Rpb24.${randomToken(48)}`,
    type,
    userId,
    channelId: state.channelId,
    dispatchedAt: Date.now(),
    refused: [],
    followUpIds: [],
    ...fields,
  };
  store.interactions.set(record.id, record);
  return record;
}

/** The INTERACTION_CREATE body for `record`, with the type-specific `data` (and the component's message). */
export function interactionPayload(
  store: DiscordStore,
  record: InteractionRecord,
  data: Record<string, unknown>,
  message?: StoredMessage,
): Record<string, unknown> {
  const { user, locale } = store.users.get(record.userId)!;
  return {
    id: record.id,
    application_id: store.applicationId,
    type: record.type,
    data,
    channel: toApiDmChannel(store, record.channelId, user),
    channel_id: record.channelId,
    user,
    token: record.token,
    version: 1,
    locale,
    app_permissions: DM_APP_PERMISSIONS,
    entitlements: [],
    authorizing_integration_owners: { "0": "0" },
    context: 1,
    attachment_size_limit: 10 * 1024 * 1024,
    ...(message && { message: toApiMessage(store, message) }),
  };
}

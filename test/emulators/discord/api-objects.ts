import type { ActionRow } from "./message-payload.ts";
import type { ApiUser, DiscordStore, StoredMessage } from "./store.ts";

/** How stored state looks on the wire: the message, channel and application objects Discord sends. */

/** Application flags: GATEWAY_MESSAGE_CONTENT (1 << 19), so discord.js sees message content as enabled. */
export const APPLICATION_FLAGS = 1 << 19;

const MESSAGE_TYPE = { Default: 0, Reply: 19, ChatInputCommand: 20 } as const;

/** A message object as REST answers and gateway dispatches carry it. */
export function toApiMessage(store: DiscordStore, message: StoredMessage): Record<string, unknown> {
  const author = message.from === "bot" ? store.bot : store.users.get(store.channels.get(message.channelId)!)!.user;
  const interaction = message.interactionId ? store.interactions.get(message.interactionId) : undefined;
  const type = interaction?.type === 2 ? MESSAGE_TYPE.ChatInputCommand : message.replyTo ? MESSAGE_TYPE.Reply : MESSAGE_TYPE.Default;
  return {
    id: message.id,
    type,
    channel_id: message.channelId,
    author,
    content: message.content,
    timestamp: new Date(message.createdAt).toISOString(),
    edited_timestamp: message.editedAt === null ? null : new Date(message.editedAt).toISOString(),
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: (message.files ?? []).map((file) => store.cdn.toApiAttachment(file)),
    embeds: message.embeds.map((embed) => ({ type: "rich", ...embed })),
    components: withComponentIds(message.components),
    pinned: false,
    flags: message.flags | (message.deferred ? 128 : 0),
    ...(message.replyTo && { message_reference: { type: 0, channel_id: message.channelId, message_id: message.replyTo } }),
    ...(interaction && {
      webhook_id: store.applicationId,
      application_id: store.applicationId,
      interaction_metadata: {
        id: interaction.id,
        type: interaction.type,
        user: store.users.get(interaction.userId)!.user,
        authorizing_integration_owners: { "1": interaction.userId },
        ...(interaction.commandName && { name: interaction.commandName }),
      },
    }),
  };
}

/**
 * Components as Discord echoes them: each numbered depth-first from 1 unless the bot gave it an
 * id (the official description requires `id` on every component of a message object).
 */
function withComponentIds(rows: ActionRow[]): Record<string, unknown>[] {
  let next = 0;
  const numbered = (component: Record<string, unknown>) => ({ ...component, id: component.id ?? (next += 1) });
  return rows.map((row) => ({ ...numbered(row), components: row.components.map(numbered) }));
}

/** A DM channel object between the bot and `user`. */
export function toApiDmChannel(store: DiscordStore, channelId: string, user: ApiUser): Record<string, unknown> {
  const messages = store.channelMessages(channelId);
  return { id: channelId, type: 1, last_message_id: messages.at(-1)?.id ?? null, flags: 0, recipients: [user] };
}

/** The application object of `GET /applications/@me`. */
export function toApiApplication(store: DiscordStore): Record<string, unknown> {
  return {
    id: store.applicationId,
    name: store.bot.username,
    icon: null,
    description: "",
    summary: "",
    type: null,
    bot_public: true,
    bot_require_code_grant: false,
    verify_key: "0".repeat(64),
    flags: APPLICATION_FLAGS,
    bot: store.bot,
    owner: { ...store.bot, bot: false },
    team: null,
    approximate_guild_count: 0,
    redirect_uris: [],
    interactions_endpoint_url: null,
    tags: [],
    integration_types_config: { "0": {}, "1": {} },
  };
}

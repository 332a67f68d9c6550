import { z } from "zod";
import { badRequest, discordIssue, parseFormBody } from "./api-error.ts";

/**
 * The message payload Discord accepts on every route that writes a message (channel messages,
 * interaction responses, webhook edits and follow-ups), with Discord's documented limits.
 */

/** Message flags: 64 makes an interaction response ephemeral. */
export const MessageFlags = { SuppressEmbeds: 4, Ephemeral: 64, SuppressNotifications: 4096, ComponentsV2: 32768 } as const;

const EMBED_TOTAL_LIMIT = 6000;

const urlOfAtMost = (maxLength: number) =>
  z.string().max(maxLength).refine((value) => /^(https?|attachment):\/\//.test(value), {
    message: "Scheme must be one of ('http', 'https', 'attachment').",
    params: { discordCode: "URL_TYPE_INVALID_SCHEME" },
  });

const httpUrl = urlOfAtMost(2048);

const embedMedia = z.looseObject({ url: httpUrl });

const embedSchema = z.looseObject({
  title: z.string().max(256).optional(),
  description: z.string().max(4096).optional(),
  url: httpUrl.optional(),
  timestamp: z.iso.datetime({ offset: true }).optional(),
  color: z.number().int().min(0).max(0xffffff).nullish(),
  footer: z.looseObject({ text: z.string().max(2048), icon_url: httpUrl.optional() }).optional(),
  author: z.looseObject({ name: z.string().max(256), url: httpUrl.optional(), icon_url: httpUrl.optional() }).optional(),
  image: embedMedia.optional(),
  thumbnail: embedMedia.optional(),
  fields: z
    .array(
      z.looseObject({ name: z.string().min(1).max(256), value: z.string().min(1).max(1024), inline: z.boolean().optional() }),
    )
    .max(25)
    .optional(),
});

/** One embed as the bot sent it (unknown keys kept). */
export type Embed = z.output<typeof embedSchema>;

const emojiSchema = z.looseObject({ id: z.string().nullish(), name: z.string().nullish(), animated: z.boolean().optional() });

const buttonSchema = z
  .looseObject({
    type: z.literal(2),
    style: z.number().int().min(1).max(6),
    label: z.string().max(80).optional(),
    emoji: emojiSchema.optional(),
    custom_id: z.string().min(1).max(100).optional(),
    // A link button's url is shorter than an embed's: 512 in Discord's OpenAPI document.
    url: urlOfAtMost(512).optional(),
    sku_id: z.string().optional(),
    disabled: z.boolean().optional(),
  })
  .superRefine((button, ctx) => {
    if (button.style === 5) {
      if (!button.url) ctx.addIssue(discordIssue("BUTTON_COMPONENT_URL_REQUIRED", "A url is required", ["url"]));
      if (button.custom_id !== undefined)
        ctx.addIssue(discordIssue("BUTTON_COMPONENT_INVALID_URL_FIELD", "A link button cannot have a custom id", ["custom_id"]));
    } else if (button.style !== 6) {
      if (!button.custom_id)
        ctx.addIssue(discordIssue("BUTTON_COMPONENT_CUSTOM_ID_REQUIRED", "A custom id is required", ["custom_id"]));
      if (button.url !== undefined)
        ctx.addIssue(discordIssue("BUTTON_COMPONENT_INVALID_URL_FIELD", "A url can only be set for link buttons", ["url"]));
    }
    if (button.style !== 6 && !button.label && !button.emoji)
      ctx.addIssue(discordIssue("BUTTON_COMPONENT_LABEL_REQUIRED", "A label or an emoji is required", ["label"]));
  });

const selectOption = z.looseObject({
  label: z.string().min(1).max(100),
  value: z.string().min(1).max(100),
  description: z.string().max(100).optional(),
  default: z.boolean().optional(),
});

const selectSchema = z.looseObject({
  type: z.union([z.literal(3), z.literal(5), z.literal(6), z.literal(7), z.literal(8)]),
  custom_id: z.string().min(1).max(100),
  placeholder: z.string().max(150).optional(),
  options: z.array(selectOption).min(1).max(25).optional(),
  min_values: z.number().int().min(0).max(25).optional(),
  max_values: z.number().int().min(1).max(25).optional(),
  disabled: z.boolean().optional(),
});

const rowChild = z.discriminatedUnion("type", [buttonSchema, selectSchema], {
  error: 'Value of field "type" must be one of (2, 3, 5, 6, 7, 8).',
});

const actionRowSchema = z
  .looseObject({ type: z.literal(1), components: z.array(rowChild).min(1).max(5) })
  .superRefine((row, ctx) => {
    if (row.components.length > 1 && row.components.some((child) => child.type !== 2))
      ctx.addIssue(
        discordIssue("COMPONENT_LAYOUT_WIDTH_EXCEEDED", "The specified component exceeds the maximum width", ["components"]),
      );
  });

/** One action row (type 1) holding up to five buttons or one select menu. */
export type ActionRow = z.output<typeof actionRowSchema>;
/** A button inside an action row. */
export type Button = z.output<typeof buttonSchema>;

function embedSize(embed: Embed): number {
  const fields = (embed.fields ?? []).reduce((sum, field) => sum + field.name.length + field.value.length, 0);
  return (
    (embed.title?.length ?? 0) +
    (embed.description?.length ?? 0) +
    (embed.footer?.text.length ?? 0) +
    (embed.author?.name.length ?? 0) +
    fields
  );
}

const messageSchema = z
  .looseObject({
    content: z.string().max(2000).nullish(),
    embeds: z.array(embedSchema).max(10).nullish(),
    components: z.array(actionRowSchema).max(5).nullish(),
    flags: z.number().int().min(0).nullish(),
    tts: z.boolean().optional(),
    nonce: z.union([z.string().max(25), z.number().int()]).nullish(),
    allowed_mentions: z.looseObject({}).nullish(),
    message_reference: z.looseObject({ message_id: z.string().optional() }).nullish(),
    attachments: z.array(z.looseObject({ id: z.union([z.string(), z.number()]).optional(), filename: z.string().optional() })).max(10).nullish(),
  })
  .superRefine((message, ctx) => {
    const embeds = message.embeds ?? [];
    if (embeds.reduce((sum, embed) => sum + embedSize(embed), 0) > EMBED_TOTAL_LIMIT)
      ctx.addIssue(discordIssue("MAX_EMBED_SIZE_EXCEEDED", `Embed size exceeds maximum size of ${EMBED_TOTAL_LIMIT}`, ["embeds"]));
    const ids = (message.components ?? []).flatMap((row) => row.components.map((child) => child.custom_id));
    const seen = new Set<string>();
    for (const id of ids) {
      if (id === undefined) continue;
      if (seen.has(id))
        ctx.addIssue(discordIssue("COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated", ["components"]));
      seen.add(id);
    }
    if (message.flags && message.flags & MessageFlags.ComponentsV2)
      ctx.addIssue(
        discordIssue("BASE_TYPE_INVALID", "IS_COMPONENTS_V2 messages are not supported by this emulator", ["flags"]),
      );
  });

/** A validated message payload; absent keys mean "unchanged" on edits. */
export type MessagePayload = z.output<typeof messageSchema>;

/** Validates a message payload against Discord's shape and limits, throwing the 50035 Discord would answer. */
export function parseMessagePayload(body: unknown, prefix: PropertyKey[] = []): MessagePayload {
  return parseFormBody(messageSchema, body ?? {}, prefix);
}

/** The visible parts of a message, after a create or an edit. */
export interface MessageContent {
  content: string;
  embeds: Embed[];
  components: ActionRow[];
  /** File names of the attachments. */
  attachments: string[];
}

/** What a message shows before its first payload. */
export function blankMessage(): MessageContent {
  return { content: "", embeds: [], components: [], attachments: [] };
}

/**
 * Applies a payload over what a message shows now (a create starts from `blankMessage()`); keys
 * absent stay as they were. `attachments` lists the files to keep or add, as discord.js sends it.
 */
export function applyPayload(current: MessageContent, payload: MessagePayload): MessageContent {
  const next: MessageContent = {
    content: payload.content === undefined ? current.content : (payload.content ?? ""),
    embeds: payload.embeds === undefined ? current.embeds : (payload.embeds ?? []),
    components: payload.components === undefined ? current.components : (payload.components ?? []),
    attachments:
      payload.attachments === undefined
        ? current.attachments
        : (payload.attachments ?? []).map((file) => String(file.filename ?? file.id)),
  };
  if (!next.content && next.embeds.length === 0 && next.components.length === 0 && next.attachments.length === 0)
    throw badRequest("Cannot send an empty message", 50006);
  return next;
}

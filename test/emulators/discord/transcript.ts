import type { ActionRow, Embed } from "./message-payload.ts";
import { MessageFlags } from "./message-payload.ts";
import type { DiscordStore, StoredMessage } from "./store.ts";

/** A button as the user sees it. */
export interface TranscriptButton {
  label: string;
  url?: string;
  customId?: string;
  disabled?: boolean;
}

/** One thing a user sees in their DM with the bot, oldest first. */
export interface TranscriptEntry {
  from: "user" | "bot";
  /** "command" is the user's slash command use; "response"/"follow-up" are the bot's interaction answers. */
  kind: "message" | "command" | "response" | "follow-up";
  /** Current content (for a command use: `/name option:value ...`). */
  text: string;
  embeds?: Embed[];
  /** Components as the bot sent them. */
  components?: ActionRow[];
  /** The buttons by row, simplified: label, and url (link buttons) or customId. */
  buttons?: TranscriptButton[][];
  /** File names of attachments. */
  attachments?: string[];
  /** Only this user sees it (flag 64 on an interaction response). */
  ephemeral?: boolean;
  /** Still "<bot> is thinking…": deferred and not edited yet. */
  deferred?: boolean;
  messageId: string;
  /** The content after each edit, oldest first (empty when never edited). */
  edits: string[];
}

/** Maps a stored message to what its user sees. */
export function toTranscriptEntry(message: StoredMessage): TranscriptEntry {
  return {
    from: message.from,
    kind: message.kind,
    text: message.content,
    ...(message.embeds.length > 0 && { embeds: structuredClone(message.embeds) }),
    ...(message.components.length > 0 && { components: structuredClone(message.components), buttons: buttonsOf(message) }),
    ...(message.attachments.length > 0 && { attachments: [...message.attachments] }),
    ...((message.flags & MessageFlags.Ephemeral) !== 0 && { ephemeral: true }),
    ...(message.deferred && { deferred: true }),
    messageId: message.id,
    edits: [...message.edits],
  };
}

function buttonsOf(message: StoredMessage): TranscriptButton[][] {
  return message.components.map((row) =>
    row.components.flatMap((child): TranscriptButton[] =>
      child.type === 2
        ? [{ label: child.label ?? child.emoji?.name ?? "", ...(child.url && { url: child.url }), ...(child.custom_id && { customId: child.custom_id }), ...(child.disabled && { disabled: true }) }]
        : [],
    ),
  );
}

/** Everything user `userId` sees in their DM with the bot. */
export function transcriptOf(store: DiscordStore, userId: string): TranscriptEntry[] {
  const state = store.users.get(userId);
  if (!state) return [];
  return store.channelMessages(state.channelId).map(toTranscriptEntry);
}

/** A compact rendering for timeout messages. */
export function describeTranscript(entries: TranscriptEntry[]): string {
  if (entries.length === 0) return "Transcript is empty.";
  const lines = entries.map((entry) => {
    const marks = [entry.ephemeral && "ephemeral", entry.deferred && "thinking", entry.embeds && `${entry.embeds.length} embed(s)`]
      .filter(Boolean)
      .join(", ");
    return `  ${entry.from}${marks ? ` (${marks})` : ""}: ${JSON.stringify(entry.text)}`;
  });
  return `Transcript:\n${lines.join("\n")}`;
}

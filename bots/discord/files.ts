import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { Readable, Transform, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebStream } from "node:stream/web";
import { DiscordAPIError, type Message, type REST, Routes } from "discord.js";
import { z } from "zod";
import { TransientError, UserFacingError } from "../../src/errors.ts";
import type { SentFile, SentFileSource } from "../../src/jobs/types.ts";
import { callDiscord } from "./failures.ts";

/**
 * Videos people attach to their DMs with the bot. Discord gives an attachment no stable id across
 * sends (each upload is a new attachment), so the same video sent twice is recognised by its
 * content: `discord-file:<sha256 of the bytes>`, read once when the message comes in. Attachment
 * URLs are signed and expire after about a day, so the job keeps where the attachment lives
 * (channel, message, attachment) and the worker reads the message again for a fresh URL.
 */

/**
 * The largest attachment taken as a video. Discord sets no download limit for bots (people may
 * upload 10 MB, or up to 500 MB with Nitro); this one is reelnotes' own: the whole file is read
 * at intake to hash it, in the process that holds the gateway. 20 MB matches Telegram's, so a
 * person gets the same promise on both platforms.
 */
export const DISCORD_SENT_FILE_LIMIT_BYTES = 20 * 1024 * 1024;

/** Discord's "Unknown Message": the person deleted the message with the video. */
const UNKNOWN_MESSAGE = 10008;

/** A video attachment of a DM, as the adapter sees it before hashing. */
export interface VideoAttachment {
  id: string;
  url: string;
  name: string;
  size: number;
}

/** The video attachments of a message, in the order the person attached them. */
export function videoAttachmentsOf(message: Message): VideoAttachment[] {
  return [...message.attachments.values()]
    .filter((attachment) => attachment.contentType?.startsWith("video/"))
    .map((attachment) => ({ id: attachment.id, url: attachment.url, name: attachment.name, size: attachment.size }));
}

/** Where the worker finds an attachment again: `<channel>/<message>/<attachment>`. */
export function attachmentRef(channelId: string, messageId: string, attachmentId: string): string {
  return `${channelId}/${messageId}/${attachmentId}`;
}

/** Streams `response`'s body through `sink`, refusing more than `limit` bytes whatever the size said. */
async function readAtMost(response: Response, limit: number, sink: NodeJS.WritableStream): Promise<void> {
  let bytes = 0;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(bytes > limit ? new UserFacingError("video_too_large", { key: "fileOverOurLimit", params: { mb: limit / (1024 * 1024) } }) : null, chunk);
    },
  });
  await pipeline(Readable.fromWeb(response.body as WebStream), count, sink);
}

async function download(url: string): Promise<Response> {
  const response = await fetch(url).catch((error: unknown) => {
    throw new TransientError("network", "Could not reach Discord's CDN for a sent file", undefined, { cause: error });
  });
  if (response.status >= 500 || response.status === 429) throw new TransientError("server_error", `Discord's CDN answered ${response.status} for a sent file`);
  if (!response.ok || !response.body) throw new Error(`Discord's CDN answered ${response.status} for a sent file`);
  return response;
}

/** The video as the job takes it: its content hash for de-duplication and where to find it again. */
export async function sentVideoOf(message: Message, attachment: VideoAttachment): Promise<{ key: string; file: SentFile }> {
  const hash = createHash("sha256");
  const hashing = new Writable({ write: (chunk: Buffer, _encoding, done) => done(void hash.update(chunk)) });
  await readAtMost(await download(attachment.url), DISCORD_SENT_FILE_LIMIT_BYTES, hashing);
  return {
    key: `discord-file:${hash.digest("hex")}`,
    file: { platform: "DISCORD", ref: attachmentRef(message.channelId, message.id, attachment.id), name: attachment.name, sizeBytes: attachment.size },
  };
}

const messageAttachments = z.object({ attachments: z.array(z.object({ id: z.string(), url: z.string() })) });

/** Fetches attachments for the pipeline: the message read again for a fresh URL, then the bytes from the CDN. */
export function createDiscordFileSource(rest: REST): SentFileSource {
  return {
    async fetch(file, destination) {
      const [channelId, messageId, attachmentId] = file.ref.split("/");
      let message: z.infer<typeof messageAttachments>;
      try {
        message = messageAttachments.parse(await callDiscord(() => rest.get(Routes.channelMessage(channelId!, messageId!))));
      } catch (error) {
        if (error instanceof DiscordAPIError && error.code === UNKNOWN_MESSAGE) throw new UserFacingError("video_removed", "error.sentFileGone", { cause: error });
        throw error;
      }
      const attachment = message.attachments.find((a) => a.id === attachmentId);
      if (!attachment) throw new UserFacingError("video_removed", "error.sentFileGone");
      await readAtMost(await download(attachment.url), DISCORD_SENT_FILE_LIMIT_BYTES, createWriteStream(destination));
    },
  };
}

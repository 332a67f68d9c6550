import type { TextRef } from "../../src/i18n/index.ts";
import { createWriteStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebStream } from "node:stream/web";
import { GrammyError, type Api } from "grammy";
import type { Message } from "grammy/types";
import { TransientError, UserFacingError } from "../../src/errors.ts";
import type { SentFile, SentFileSource } from "../../src/jobs/types.ts";

/**
 * Videos sent to the bot as files: which messages carry one (video, video note, animation, or a
 * document that is a video), and fetching it the Bot API way: getFile for its path, then the
 * file from `<apiRoot>/file/bot<token>/<path>`. The Bot API hands out files of at most 20 MB.
 */

/** The Bot API's getFile limit. */
export const TELEGRAM_DOWNLOAD_LIMIT_BYTES = 20 * 1024 * 1024;

/** What the person hears about a file over that limit. */
export const TELEGRAM_TOO_BIG: TextRef = { key: "fileTooBig", params: { mb: TELEGRAM_DOWNLOAD_LIMIT_BYTES / (1024 * 1024) } };

/** The sentence for a file the Bot API will not hand out. */
const TOO_BIG = "video_too_large";

/** The video a message carries, if any: its key for de-duplication and how to fetch it. */
export function videoFileOf(message: Message): { key: string; file: SentFile } | undefined {
  const document = message.document?.mime_type?.startsWith("video/") ? message.document : undefined;
  const video = message.video ?? message.video_note ?? message.animation ?? document;
  if (!video) return undefined;
  const name = "file_name" in video && typeof video.file_name === "string" ? video.file_name : undefined;
  return {
    key: `telegram-file:${video.file_unique_id}`,
    file: { platform: "TELEGRAM", ref: video.file_id, ...(name ? { name } : {}), ...(video.file_size !== undefined ? { sizeBytes: video.file_size } : {}) },
  };
}

/** Fetches sent files through the Bot API at `apiRoot` with the bot's token. */
export function createTelegramFileSource(api: Api, apiRoot: string, token: string, tooBigSentence: TextRef): SentFileSource {
  return {
    async fetch(file, destination) {
      let path: string | undefined;
      try {
        path = (await api.getFile(file.ref)).file_path;
      } catch (error) {
        if (error instanceof GrammyError && /file is too big/i.test(error.description)) {
          throw new UserFacingError(TOO_BIG, tooBigSentence, { cause: error });
        }
        throw error;
      }
      if (!path) throw new Error("Telegram gave no file_path for a sent file");
      // The token is part of the URL: it never goes into an error message or a log line.
      const response = await fetch(`${apiRoot}/file/bot${token}/${path}`).catch((error: unknown) => {
        throw new TransientError("network", "Could not reach Telegram to fetch a sent file", undefined, { cause: error });
      });
      if (response.status >= 500 || response.status === 429) throw new TransientError("server_error", `Telegram answered ${response.status} for a sent file`);
      if (!response.ok || !response.body) throw new Error(`Telegram answered ${response.status} for a sent file`);
      await pipeline(Readable.fromWeb(response.body as WebStream), createWriteStream(destination));
    },
  };
}

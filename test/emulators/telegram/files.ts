import { createHash } from "node:crypto";
import type { Express, Request, Response } from "express";
import { badRequest } from "./api-error.ts";
import { optionalString, type Params } from "./params.ts";

/**
 * Files people send to the bot, as the Bot API hands them out: `getFile` answers a File with a
 * `file_path` (valid for an hour) for files of at most 20 MB and refuses bigger ones with
 * "file is too big"; the bytes come from `GET /file/bot<token>/<file_path>`. The same bytes
 * sent twice keep one `file_unique_id`, each send gets its own `file_id`.
 */

/** The Bot API's largest getFile download. */
export const GET_FILE_LIMIT_BYTES = 20 * 1024 * 1024;

/** What kind of message carries the file. */
export type SentFileKind = "video" | "video_note" | "animation" | "document";

/** One stored file. */
export interface StoredFile {
  fileId: string;
  uniqueId: string;
  kind: SentFileKind;
  data: Buffer;
  fileName?: string;
  mimeType?: string;
  path: string;
}

const FOLDERS: Record<SentFileKind, string> = { video: "videos", video_note: "video_notes", animation: "animations", document: "documents" };

/** The files sent to the bot, by file_id. */
export class FileStore {
  readonly files = new Map<string, StoredFile>();
  /** How many times each file path was downloaded. */
  readonly downloads = new Map<string, number>();
  private counter = 0;

  /** Stores a sent file and returns the message fields that describe it. */
  add(kind: SentFileKind, data: Buffer, options: { fileName?: string; mimeType?: string; durationSeconds?: number } = {}): Record<string, unknown> {
    this.counter += 1;
    const uniqueId = `AgAD${createHash("sha256").update(data).digest("base64url").slice(0, 12)}`;
    const fileId = `BAACAgI${this.counter}${uniqueId}`;
    const extension = kind === "document" ? (options.fileName?.split(".").at(-1) ?? "mp4") : "mp4";
    const stored: StoredFile = { fileId, uniqueId, kind, data, fileName: options.fileName, mimeType: options.mimeType, path: `${FOLDERS[kind]}/file_${this.counter}.${extension}` };
    this.files.set(fileId, stored);
    const base = { file_id: fileId, file_unique_id: uniqueId, file_size: data.length };
    const duration = options.durationSeconds ?? 5;
    const fields: Record<SentFileKind, Record<string, unknown>> = {
      video: { ...base, width: 720, height: 1280, duration, mime_type: options.mimeType ?? "video/mp4", ...(options.fileName ? { file_name: options.fileName } : {}) },
      video_note: { ...base, length: 384, duration },
      animation: { ...base, width: 480, height: 480, duration, mime_type: "video/mp4", file_name: options.fileName ?? "animation.mp4" },
      document: { ...base, mime_type: options.mimeType ?? "video/mp4", ...(options.fileName ? { file_name: options.fileName } : {}) },
    };
    // An animation message also carries it as a document, as Telegram does for old clients.
    return kind === "animation" ? { animation: fields.animation, document: fields.animation } : { [kind]: fields[kind] };
  }

  /** The getFile method. */
  getFile(params: Params): Record<string, unknown> {
    const fileId = optionalString(params, "file_id");
    if (!fileId) throw badRequest("file_id is empty");
    const file = this.files.get(fileId);
    if (!file) throw badRequest("invalid file_id");
    if (file.data.length > GET_FILE_LIMIT_BYTES) throw badRequest("file is too big");
    return { file_id: file.fileId, file_unique_id: file.uniqueId, file_size: file.data.length, file_path: file.path };
  }

  /** Serves `GET /file/bot<token>/<file_path>`. */
  mount(app: Express, token: () => string): void {
    app.get(/^\/file\/bot([^/]+)\/(.+)$/, (req: Request, res: Response) => {
      const [botToken, filePath] = [req.params[0], req.params[1]] as [string, string];
      const file = [...this.files.values()].find((f) => f.path === filePath);
      if (decodeURIComponent(botToken) !== token() || !file || file.data.length > GET_FILE_LIMIT_BYTES) {
        res.status(404).json({ ok: false, error_code: 404, description: "Not Found" });
        return;
      }
      this.downloads.set(filePath, (this.downloads.get(filePath) ?? 0) + 1);
      res.type(file.mimeType ?? "video/mp4").send(file.data);
    });
  }
}

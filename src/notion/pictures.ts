import { readFile } from "node:fs/promises";
import path from "node:path";
import { isTransient } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { FileUploadRef, NotionApi } from "./client.ts";

/**
 * The pictures a page keeps: uploaded into the person's workspace through Notion's File Upload
 * API, so the cover and the image blocks never point at a platform's expiring signed URL.
 */

/** Pictures uploaded for one page, in post order; the first is the cover. */
export interface UploadedPictures {
  uploads: FileUploadRef[];
}

/** What Notion takes for the picture files the media room writes. */
const CONTENT_TYPES: Record<string, string> = {
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".png": "image/png",
  ".webp": "image/webp",
  ".gif": "image/gif",
  ".heic": "image/heic",
};

/** Single-part uploads take at most 20 MB; free workspaces 5 MiB per file, the limit we keep to. */
export const MAX_PICTURE_BYTES = 5 * 1024 * 1024;

/** Attaching within this margin of an upload's expiry is not risked. */
const EXPIRY_MARGIN_MS = 5 * 60 * 1000;

/**
 * Uploads `files` (picture paths, in order). A picture Notion refuses (type, size, workspace
 * limit) is left out and logged: the page is still worth having without it. Passing failures
 * (429, 5xx) are thrown, so the stage is tried again.
 */
export async function uploadPictures(api: NotionApi, accessToken: string, files: string[], log: Logger): Promise<UploadedPictures> {
  const uploads: FileUploadRef[] = [];
  for (const [index, file] of files.entries()) {
    const contentType = CONTENT_TYPES[path.extname(file).toLowerCase()];
    if (!contentType) {
      log.warn({ file: path.basename(file) }, "picture of a type Notion does not take; left out");
      continue;
    }
    const data = await readFile(file);
    if (data.length > MAX_PICTURE_BYTES) {
      log.warn({ file: path.basename(file), bytes: data.length }, "picture larger than a free workspace takes; left out");
      continue;
    }
    try {
      uploads.push(await api.uploadFile(accessToken, { filename: `picture-${index + 1}${path.extname(file).toLowerCase()}`, contentType, data }));
    } catch (error) {
      if (isTransient(error)) throw error;
      log.warn({ err: error, file: path.basename(file) }, "Notion refused a picture; left out");
    }
  }
  return { uploads };
}

/** The uploads still safe to attach at `now` (an unattached upload expires an hour after it was made). */
export function attachablePictures(pictures: UploadedPictures | undefined, now: number): string[] {
  return (pictures?.uploads ?? []).filter((u) => u.expiresAt === null || Date.parse(u.expiresAt) - EXPIRY_MARGIN_MS > now).map((u) => u.id);
}

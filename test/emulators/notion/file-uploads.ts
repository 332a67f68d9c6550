import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import type { Request, Response, Router } from "express";
import { NotionError, invalid, notFound, validationError } from "./errors.ts";
import type { TokenGrant } from "./store.ts";

/**
 * Notion's File Upload API (single-part direct uploads): create a file upload (status
 * `pending`, expiring an hour later), send its bytes as multipart/form-data (status `uploaded`),
 * then attach it by id as a page cover or a media block, which clears its expiry. Unattached
 * uploads expire; expired, pending or foreign uploads cannot be attached; a single-part send
 * takes at most 20 MB, and the workspace's per-file limit (5 MiB on free plans) applies too.
 * Only the content types Notion lists as supported are accepted.
 */

/** The documented numbers. */
export const UPLOAD_LIMITS = {
  /** Largest single-part send. */
  singlePartBytes: 20 * 1024 * 1024,
  /** Per-file limit of a free workspace. */
  freeWorkspaceFileBytes: 5 * 1024 * 1024,
  /** An unattached upload expires this long after it was created. */
  lifetimeMs: 60 * 60 * 1000,
  filenameBytes: 900,
} as const;

/** The MIME types Notion's guide lists as supported, by extension. */
export const SUPPORTED_TYPES: Record<string, string[]> = {
  "audio/aac": ["aac", "adts"],
  "audio/midi": ["mid", "midi"],
  "audio/mpeg": ["mp3", "mpga"],
  "audio/mp4": ["m4a", "m4b"],
  "audio/ogg": ["oga", "ogg"],
  "audio/wav": ["wav"],
  "audio/x-ms-wma": ["wma"],
  "application/pdf": ["pdf"],
  "text/plain": ["txt"],
  "application/json": ["json"],
  "image/gif": ["gif"],
  "image/heic": ["heic"],
  "image/jpeg": ["jpeg", "jpg"],
  "image/png": ["png"],
  "image/svg+xml": ["svg"],
  "image/tiff": ["tif", "tiff"],
  "image/webp": ["webp"],
  "image/vnd.microsoft.icon": ["ico"],
  "video/x-amv": ["amv"],
  "video/x-ms-asf": ["asf", "wmv"],
  "video/x-msvideo": ["avi"],
  "video/x-f4v": ["f4v"],
  "video/x-flv": ["flv"],
  "video/mp4": ["mp4", "m4v"],
  "video/mpeg": ["mpeg"],
  "video/quicktime": ["qt", "mov"],
  "video/webm": ["webm"],
};

/** One file upload as the emulator keeps it. */
export interface StoredUpload {
  id: string;
  botId: string;
  createdAt: number;
  lastEditedAt: number;
  expiresAt: number | null;
  status: "pending" | "uploaded" | "expired";
  filename: string | null;
  contentType: string | null;
  contentLength: number | null;
  data?: Buffer;
  /** How many places it is attached to. */
  attachments: number;
}

/** Knobs of the file upload part of the emulator. */
export interface FileUploadOptions {
  /** The clock uploads expire by (default Date.now); tests move it forward instead of waiting. */
  now?: () => number;
  /** Per-file limit of the workspace (default: the free plan's 5 MiB). */
  maxFileBytes?: number;
}

const extensionOf = (name: string) => /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();

function typeForExtension(ext: string | undefined): string | undefined {
  return ext ? Object.keys(SUPPORTED_TYPES).find((type) => SUPPORTED_TYPES[type]!.includes(ext)) : undefined;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The uploads of every integration, with their lifecycle. */
export class FileUploadStore {
  readonly uploads = new Map<string, StoredUpload>();
  private readonly now: () => number;
  readonly maxFileBytes: number;

  constructor(options: FileUploadOptions = {}) {
    this.now = options.now ?? Date.now;
    this.maxFileBytes = options.maxFileBytes ?? UPLOAD_LIMITS.freeWorkspaceFileBytes;
  }

  /** The integration's upload with its status brought up to date. */
  get(id: string, grant: TokenGrant): StoredUpload {
    const upload = this.uploads.get(id);
    if (!upload || upload.botId !== grant.botId) throw notFound("file upload", id);
    return this.refresh(upload);
  }

  /** An unattached upload past its expiry becomes expired and loses its bytes. */
  refresh(upload: StoredUpload): StoredUpload {
    if (upload.expiresAt !== null && upload.status !== "expired" && this.now() >= upload.expiresAt) {
      upload.status = "expired";
      upload.data = undefined;
    }
    return upload;
  }

  create(grant: TokenGrant, body: Record<string, unknown>): StoredUpload {
    const mode = body.mode ?? "single_part";
    if (mode !== "single_part") {
      if (mode === "multi_part" || mode === "external_url") throw validationError(`The emulator serves single_part uploads only; mode ${mode} is not emulated.`);
      throw invalid("body.mode", '`"single_part"`, `"multi_part"` or `"external_url"`', mode);
    }
    const filename = body.filename;
    if (filename !== undefined && (typeof filename !== "string" || Buffer.byteLength(filename) > UPLOAD_LIMITS.filenameBytes)) {
      throw invalid("body.filename", `a string of at most ${UPLOAD_LIMITS.filenameBytes} bytes`, filename);
    }
    const contentType = body.content_type;
    if (contentType !== undefined && (typeof contentType !== "string" || !SUPPORTED_TYPES[contentType])) {
      throw validationError(`Invalid content type: ${String(contentType)} is not a supported file type.`);
    }
    if (filename && contentType && typeForExtension(extensionOf(filename)) !== undefined && typeForExtension(extensionOf(filename)) !== contentType) {
      throw validationError(`The extension of ${filename} does not match the content type ${contentType}.`);
    }
    const at = this.now();
    const upload: StoredUpload = {
      id: randomUUID(),
      botId: grant.botId,
      createdAt: at,
      lastEditedAt: at,
      expiresAt: at + UPLOAD_LIMITS.lifetimeMs,
      status: "pending",
      filename: (filename as string | undefined) ?? null,
      contentType: (contentType as string | undefined) ?? null,
      contentLength: null,
      attachments: 0,
    };
    this.uploads.set(upload.id, upload);
    return upload;
  }

  /** Takes a single-part send's file; checks state, size and type. */
  send(upload: StoredUpload, file: { name: string; type: string; data: Buffer }, partNumber: unknown): void {
    if (upload.status === "expired") throw validationError(`File upload ${upload.id} has expired and can no longer be used.`);
    if (upload.status !== "pending") throw validationError(`File upload ${upload.id} is in status ${upload.status}; only pending uploads accept contents.`);
    if (partNumber !== undefined) throw validationError("part_number is only accepted for multi_part uploads.");
    if (file.data.length > UPLOAD_LIMITS.singlePartBytes) {
      throw validationError(`The file is larger than ${UPLOAD_LIMITS.singlePartBytes} bytes, the limit of a single_part upload; use multi_part.`);
    }
    if (file.data.length > this.maxFileBytes) {
      throw validationError(`The file is larger than ${this.maxFileBytes} bytes, the per-file limit of this workspace.`);
    }
    const filename = file.name || upload.filename || "";
    const sentType = file.type.split(";")[0]!.trim() || undefined;
    const type = upload.contentType ?? sentType ?? typeForExtension(extensionOf(filename));
    if (!type || !SUPPORTED_TYPES[type]) throw validationError(`Invalid content type: ${String(type)} is not a supported file type.`);
    if (sentType && sentType !== "application/octet-stream" && sentType !== type) {
      throw validationError(`The content type of the file (${sentType}) does not match the file upload's content type (${type}).`);
    }
    upload.filename = filename || upload.filename;
    upload.contentType = type;
    upload.contentLength = file.data.length;
    upload.data = file.data;
    upload.status = "uploaded";
    upload.lastEditedAt = this.now();
  }

  /**
   * Attaches the upload of a `{ type: "file_upload", file_upload: { id } }` file object: it must
   * belong to the integration, be uploaded and unexpired, and be of the `kind` the place takes.
   */
  attach(grant: TokenGrant, value: Record<string, unknown>, path: string, kind: "image" | "video" | "file"): StoredUpload {
    const ref = value.file_upload as { id?: unknown } | undefined;
    if (typeof ref?.id !== "string") throw invalid(`${path}.file_upload.id`, "a string", ref?.id);
    const upload = this.get(ref.id, grant);
    if (upload.status !== "uploaded") {
      throw validationError(`File upload with ID ${upload.id} is in status \`${upload.status}\` and cannot be attached; only uploaded files can.`);
    }
    if (kind !== "file" && !upload.contentType?.startsWith(`${kind}/`)) {
      throw validationError(`${path} takes an ${kind} file, but file upload ${upload.id} is ${upload.contentType}.`);
    }
    upload.attachments += 1;
    upload.expiresAt = null;
    upload.lastEditedAt = this.now();
    return upload;
  }

  /** A file upload object as the API returns it. */
  render(upload: StoredUpload, baseUrl: string): Record<string, unknown> {
    return {
      object: "file_upload",
      id: upload.id,
      created_time: iso(upload.createdAt),
      created_by: { id: upload.botId, type: "bot" },
      last_edited_time: iso(upload.lastEditedAt),
      in_trash: false,
      archived: false,
      expiry_time: upload.expiresAt === null ? null : iso(upload.expiresAt),
      status: upload.status,
      filename: upload.filename,
      content_type: upload.contentType,
      content_length: upload.contentLength,
      ...(upload.status === "pending" ? { upload_url: `${baseUrl}/v1/file_uploads/${upload.id}/send` } : {}),
    };
  }

  /**
   * An attached file object in the response shape: Notion answers `file_upload` references as
   * Notion-hosted files with a temporary URL.
   */
  renderFile(value: unknown, baseUrl: string): unknown {
    const file = value as { type?: string; file_upload?: { id: string } } | null;
    if (file?.type !== "file_upload" || !file.file_upload) return value;
    const upload = this.uploads.get(file.file_upload.id);
    const { type: _type, file_upload: _ref, ...rest } = file as Record<string, unknown>;
    return {
      ...rest,
      type: "file",
      file: { url: `${baseUrl}/files/${file.file_upload.id}/${encodeURIComponent(upload?.filename ?? "file")}`, expiry_time: iso(this.now() + 60 * 60 * 1000) },
    };
  }
}

/** Reads a multipart/form-data request with the platform's own parser (the SDK sends FormData). */
async function readForm(req: Request): Promise<FormData> {
  const type = req.get("content-type") ?? "";
  if (!type.startsWith("multipart/form-data")) {
    throw new NotionError(400, "validation_error", "Content-Type must be multipart/form-data with a boundary for this endpoint.");
  }
  const request = new globalThis.Request("http://emulator/upload", {
    method: "POST",
    headers: { "content-type": type },
    body: Readable.toWeb(req) as ReadableStream,
    duplex: "half",
  } as RequestInit);
  try {
    return await request.formData();
  } catch {
    throw new NotionError(400, "validation_error", "The multipart/form-data body could not be parsed.");
  }
}

/** Adds the file upload routes to the API router (after auth, before the JSON routes that need a JSON body). */
export function mountFileUploads(api: Router, uploads: FileUploadStore, grantOf: (res: Response) => TokenGrant, baseUrl: () => string): void {
  api.post("/file_uploads/:id/send", async (req, res) => {
    const upload = uploads.get(req.params.id!, grantOf(res));
    const form = await readForm(req);
    const file = form.get("file");
    if (!file || typeof file === "string") throw invalid("file", "a file", file ?? undefined);
    const partNumber = form.get("part_number") ?? undefined;
    uploads.send(upload, { name: file.name, type: file.type, data: Buffer.from(await file.arrayBuffer()) }, partNumber);
    res.json(uploads.render(upload, baseUrl()));
  });

  api.post("/file_uploads", (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (typeof body !== "object" || Array.isArray(body)) throw invalid("body", "an object", body);
    res.json(uploads.render(uploads.create(grantOf(res), body), baseUrl()));
  });

  api.get("/file_uploads/:id", (req, res) => {
    res.json(uploads.render(uploads.get(req.params.id!, grantOf(res)), baseUrl()));
  });

  api.post("/file_uploads/:id/complete", (req, res) => {
    const upload = uploads.get(req.params.id!, grantOf(res));
    throw validationError(`File upload ${upload.id} is a single_part upload; only multi_part uploads are completed.`);
  });
}

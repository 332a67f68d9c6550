import busboy from "busboy";
import express, { type NextFunction, type Request, type RequestHandler, type Response } from "express";

/**
 * Reads request bodies the way Discord takes them: JSON, or multipart/form-data with the JSON
 * in `payload_json` and files alongside (discord.js switches to multipart when files are attached).
 */

/** A file uploaded with a message. */
export interface UploadedFile {
  field: string;
  filename: string;
  size: number;
}

/** Parses JSON and multipart bodies into `req.body`; uploaded files are named in the payload's `attachments`. */
export function readBody(): RequestHandler[] {
  return [express.json({ limit: "25mb" }), readMultipart];
}

function readMultipart(req: Request, res: Response, next: NextFunction): void {
  if (!req.is("multipart/form-data")) return next();
  const files: UploadedFile[] = [];
  let payload: Record<string, unknown> = {};
  const parser = busboy({ headers: req.headers });
  parser.on("field", (name, value) => {
    if (name === "payload_json") payload = JSON.parse(value) as Record<string, unknown>;
  });
  parser.on("file", (field, stream, info) => {
    let size = 0;
    stream.on("data", (chunk: Buffer) => (size += chunk.length));
    stream.on("end", () => files.push({ field, filename: info.filename ?? field, size }));
  });
  parser.on("close", () => {
    req.body = withUploads(payload, files);
    next();
  });
  parser.on("error", next);
  req.pipe(parser);
}

type Attachment = { id?: string | number; filename?: string };

/**
 * Names each attachment after its upload: discord.js sends `attachments: [{ id: 0 }]` in the JSON
 * and the file as `files[0]`. Interaction callbacks carry the message under `data`.
 */
function withUploads(payload: Record<string, unknown>, files: UploadedFile[]): Record<string, unknown> {
  const isCallback = typeof payload.type === "number" && typeof payload.data === "object" && payload.data !== null;
  const message = (isCallback ? payload.data : payload) as { attachments?: Attachment[] };
  const listed: Attachment[] = message.attachments ?? files.map((_, index) => ({ id: index }));
  message.attachments = listed.map((attachment) => ({
    ...attachment,
    filename: attachment.filename ?? files.find((file) => file.field === `files[${attachment.id}]`)?.filename,
  }));
  return payload;
}

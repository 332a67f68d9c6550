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

/** Parses JSON and multipart bodies into `req.body`; uploaded files land in `req.body.files`. */
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
    req.body = { ...payload, files };
    next();
  });
  parser.on("error", next);
  req.pipe(parser);
}

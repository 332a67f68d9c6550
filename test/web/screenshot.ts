import { readFile } from "node:fs/promises";
import { inflateSync } from "node:zlib";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** What a PNG file holds, read from its own bytes: size, and how many distinct pixel rows it has. */
export interface PngFacts {
  bytes: number;
  width: number;
  height: number;
  /** Distinct scanlines after decompression: a blank image has one or two. */
  distinctRows: number;
}

/** Reads a PNG's header and image data; throws when the file is not a PNG. */
export async function readPng(file: string): Promise<PngFacts> {
  const data = await readFile(file);
  if (!data.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error(`${file} is not a PNG`);
  if (data.toString("ascii", 12, 16) !== "IHDR") throw new Error(`${file} has no IHDR chunk first`);
  const width = data.readUInt32BE(16);
  const height = data.readUInt32BE(20);
  const idat: Buffer[] = [];
  for (let at = 8; at < data.length; ) {
    const length = data.readUInt32BE(at);
    if (data.toString("ascii", at + 4, at + 8) === "IDAT") idat.push(data.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const pixels = inflateSync(Buffer.concat(idat));
  const rowBytes = pixels.length / height;
  const rows = new Set<string>();
  for (let y = 0; y < height; y++) rows.add(pixels.subarray(y * rowBytes + 1, (y + 1) * rowBytes).toString("base64"));
  return { bytes: data.length, width, height, distinctRows: rows.size };
}

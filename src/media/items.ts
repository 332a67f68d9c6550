import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { AudioChunk, DownloadedMedia, Frame } from "./types.ts";

/**
 * A post of several items (a carousel) through the one-item audio and frame extraction: item by
 * item in post order. A post of one item goes straight through.
 */

/** The speech of every video item in post order, timed as if the items played one after another. */
export async function audioOfPost(media: DownloadedMedia, extract: (item: DownloadedMedia) => Promise<AudioChunk[]>): Promise<AudioChunk[]> {
  if (!media.items) return extract(media);
  const chunks: AudioChunk[] = [];
  let offset = 0;
  for (const item of media.items) {
    const own = await extract(item);
    chunks.push(...own.map((chunk) => ({ ...chunk, startSeconds: chunk.startSeconds + offset })));
    offset += item.metadata.durationSeconds ?? own.reduce((sum, chunk) => sum + chunk.durationSeconds, 0);
  }
  return chunks;
}

/**
 * The distinct frames of every item in post order, each marked with its item; a picture the post
 * shows twice (the same bytes) is kept once, so it is read and uploaded once. Each item keeps its
 * own frame limit.
 */
export async function framesOfPost(media: DownloadedMedia, extract: (item: DownloadedMedia) => Promise<Frame[]>): Promise<Frame[]> {
  if (!media.items) return extract(media);
  const frames: Frame[] = [];
  const seen = new Set<string>();
  for (const [index, item] of media.items.entries()) {
    if (!item.videoPath && item.imagePaths[0]) {
      const digest = createHash("sha256").update(await readFile(item.imagePaths[0])).digest("hex");
      if (seen.has(digest)) continue;
      seen.add(digest);
    }
    for (const frame of await extract(item)) frames.push({ ...frame, item: index });
  }
  return frames;
}

/** One picture per item for the page, in post order: the picture itself, or a video's first frame. */
export function firstFrameOfEachItem(frames: Frame[]): Frame[] {
  return frames.filter((frame, i) => i === 0 || frame.item !== frames[i - 1]!.item);
}

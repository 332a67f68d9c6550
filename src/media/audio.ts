import { readdir } from "node:fs/promises";
import path from "node:path";
import { type FfmpegTools, probe, runFfmpeg } from "./ffmpeg.ts";
import type { AudioChunk, DownloadedMedia } from "./types.ts";

/**
 * Transcription audio: mono, 16 kHz (what speech models listen at), mp3 at 32 kbit/s, which every
 * transcription API accepts and which keeps an hour near 14 MB. Split into ordered chunks no longer
 * than `chunkSeconds` and always under the 25 MB upload limit.
 */

/** OpenAI's upload limit, with room for the multipart envelope. */
export const TRANSCRIPTION_UPLOAD_LIMIT_BYTES = 24 * 1024 * 1024;
/** Default longest chunk: short enough to retry cheaply, long enough to keep sentences whole. */
export const DEFAULT_CHUNK_SECONDS = 600;
const BITRATE_BPS = 32_000;

/** The chunk length actually used: the asked one, capped so a chunk fits the upload limit. */
export function chunkSecondsFor(requested: number): number {
  return Math.max(1, Math.min(requested, Math.floor(TRANSCRIPTION_UPLOAD_LIMIT_BYTES / (BITRATE_BPS / 8))));
}

/** Extracts the transcription audio of a post; [] when it has none. */
export async function extractAudio(
  tools: FfmpegTools,
  media: DownloadedMedia,
  chunkSeconds = DEFAULT_CHUNK_SECONDS,
): Promise<AudioChunk[]> {
  const source = media.videoPath ?? media.audioPath;
  if (!source) return [];
  const probed = await probe(tools, source);
  if (!probed?.hasAudio) return [];
  await runFfmpeg(tools, ["-i", source, "-vn", "-sn", "-dn", "-ac", "1", "-ar", "16000", "-c:a", "libmp3lame", "-b:a", "32k",
    "-f", "segment", "-segment_time", String(chunkSecondsFor(chunkSeconds)), "-reset_timestamps", "1",
    path.join(media.workDir, "audio-%03d.mp3")]);
  const names = (await readdir(media.workDir)).filter((f) => /^audio-\d{3}\.mp3$/.test(f)).sort();
  const chunks: AudioChunk[] = [];
  let start = 0;
  for (const name of names) {
    const file = path.join(media.workDir, name);
    const duration = (await probe(tools, file))?.durationSeconds ?? 0;
    if (duration <= 0) continue;
    chunks.push({ path: file, startSeconds: start, durationSeconds: duration });
    start += duration;
  }
  return chunks;
}

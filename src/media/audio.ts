import { readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { type FfmpegTools, probe, type ProbeResult, runFfmpeg } from "./ffmpeg.ts";
import type { AudioChunk, DownloadedMedia } from "./types.ts";

/**
 * Transcription audio: mono, 16 kHz (what speech models listen at), mp3 at 32 kbit/s, which every
 * transcription API accepts and which keeps an hour near 14 MB. Cut into ordered chunks no longer
 * than `chunkSeconds` (and always under the 25 MB upload limit) so they can be transcribed side by
 * side: the cuts fall in the middle of pauses found by ffmpeg's silencedetect in the same pass
 * that encodes the audio, so no word is split between two chunks (lost or heard twice). Only a
 * stretch of `chunkSeconds` without any pause is cut where it must be.
 */

/** OpenAI's upload limit, with room for the multipart envelope. */
export const TRANSCRIPTION_UPLOAD_LIMIT_BYTES = 24 * 1024 * 1024;
/**
 * Default longest chunk: a 3-minute clip becomes six to twelve requests answered side by side,
 * each long enough to keep sentences whole.
 */
export const DEFAULT_CHUNK_SECONDS = 30;
const BITRATE_BPS = 32_000;
/** A pause: this much quieter than full scale, for at least this long. */
const SILENCE_NOISE_DB = -35;
const SILENCE_MIN_SECONDS = 0.3;
/** A cut is looked for in a pause ending the chunk between half its longest length and all of it. */
const SHORTEST_SHARE = 0.5;

/** The chunk length actually used: the asked one, capped so a chunk fits the upload limit. */
export function chunkSecondsFor(requested: number): number {
  return Math.max(1, Math.min(requested, Math.floor(TRANSCRIPTION_UPLOAD_LIMIT_BYTES / (BITRATE_BPS / 8))));
}

/** A pause in the audio, in seconds from its start. */
export interface Silence {
  start: number;
  end: number;
}

/** The pauses silencedetect wrote through `ametadata=mode=print` (a pause still open at the end closes at `duration`). */
export function parseSilences(printed: string, duration: number): Silence[] {
  const silences: Silence[] = [];
  let open: number | undefined;
  for (const line of printed.split("\n")) {
    const start = /lavfi\.silence_start=(-?[\d.]+)/.exec(line);
    if (start) open = Math.max(0, Number(start[1]));
    const end = /lavfi\.silence_end=([\d.]+)/.exec(line);
    if (end && open !== undefined) {
      silences.push({ start: open, end: Number(end[1]) });
      open = undefined;
    }
  }
  if (open !== undefined && open < duration) silences.push({ start: open, end: duration });
  return silences;
}

/**
 * Where to cut `duration` seconds of audio into chunks of at most `longest` seconds: each cut in
 * the middle of the last pause that keeps the chunk within bounds (and at least half as long),
 * or, when speech runs on without a pause, at the longest length.
 */
export function cutPoints(silences: Silence[], duration: number, longest: number): number[] {
  const cuts: number[] = [];
  let from = 0;
  while (duration - from > longest) {
    const latest = from + longest;
    const earliest = from + longest * SHORTEST_SHARE;
    const middles = silences.map((s) => (s.start + s.end) / 2).filter((m) => m >= earliest && m <= latest);
    const cut = middles.length > 0 ? middles.at(-1)! : latest;
    cuts.push(cut);
    from = cut;
  }
  return cuts;
}

/** `file` quoted for an ffmpeg filter argument. */
function filterPath(file: string): string {
  return `'${file.replaceAll("'", "'\\''")}'`;
}

/** The transcription audio an ffmpeg run writes (see {@link audioOutput}). */
export interface AudioOutput {
  /** Output arguments for the run's first audio stream (after its `-i`). */
  args: string[];
  whole: string;
  silencesFile: string;
}

/** The output arguments that write a post's transcription audio into `workDir`, with its pauses noted for cutting. */
export function audioOutput(workDir: string): AudioOutput {
  const whole = path.join(workDir, "audio.mp3");
  const silencesFile = path.join(workDir, "silences.txt");
  // One decode: the encoder's input passes through silencedetect, which only listens.
  const args = ["-map", "0:a:0", "-vn", "-sn", "-dn", "-ac", "1", "-ar", "16000",
    "-af", `silencedetect=noise=${SILENCE_NOISE_DB}dB:duration=${SILENCE_MIN_SECONDS},ametadata=mode=print:file=${filterPath(silencesFile)}`,
    // No bit reservoir: every mp3 frame stands alone, so a chunk cut out by copying starts clean.
    "-c:a", "libmp3lame", "-b:a", "32k", "-reservoir", "0", whole];
  return { args, whole, silencesFile };
}

/** Extracts the transcription audio of a post; [] when it has none. */
export async function extractAudio(
  tools: FfmpegTools,
  media: DownloadedMedia,
  chunkSeconds = DEFAULT_CHUNK_SECONDS,
): Promise<AudioChunk[]> {
  const source = media.videoPath ?? media.audioPath;
  if (!source) return [];
  const probed = media.probed ?? (await probe(tools, source));
  if (!probed?.hasAudio) return [];
  const output = audioOutput(media.workDir);
  await runFfmpeg(tools, ["-i", source, ...output.args]);
  return audioChunks(tools, media.workDir, output, probed, chunkSeconds);
}

/** Cuts the audio an {@link audioOutput} run wrote into chunks for transcription, at pauses. */
export async function audioChunks(
  tools: FfmpegTools,
  workDir: string,
  { whole, silencesFile }: AudioOutput,
  probed: ProbeResult,
  chunkSeconds = DEFAULT_CHUNK_SECONDS,
): Promise<AudioChunk[]> {
  // The mp3 lasts as long as the source's audio track; ffprobe is asked only when the source did not say.
  const duration = probed.audioDurationSeconds ?? (await probe(tools, whole))?.durationSeconds ?? 0;
  if (duration <= 0) return [];
  const silences = parseSilences(await readFile(silencesFile, "utf8").catch(() => ""), duration);
  const cuts = cutPoints(silences, duration, chunkSecondsFor(chunkSeconds));
  if (cuts.length === 0) return [{ path: whole, startSeconds: 0, durationSeconds: duration }];
  // Cutting the encoded audio copies it (no second encode); each cut lands on an mp3 frame (36 ms) inside a pause.
  await runFfmpeg(tools, ["-i", whole, "-c", "copy", "-f", "segment", "-segment_times", cuts.map((c) => c.toFixed(3)).join(","),
    "-reset_timestamps", "1", path.join(workDir, "audio-%03d.mp3")]);
  await rm(whole, { force: true });
  const names = (await readdir(workDir)).filter((f) => /^audio-\d{3}\.mp3$/.test(f)).sort();
  const bounds = [0, ...cuts, duration];
  if (names.length === cuts.length + 1) {
    // One piece per cut, each starting within one mp3 frame (36 ms) of its cut: no ffprobe per piece.
    return names.map((name, i) => ({ path: path.join(workDir, name), startSeconds: bounds[i]!, durationSeconds: bounds[i + 1]! - bounds[i]! }));
  }
  const chunks: AudioChunk[] = [];
  let start = 0;
  for (const name of names) {
    const file = path.join(workDir, name);
    const length = (await probe(tools, file))?.durationSeconds ?? 0;
    if (length <= 0) continue;
    chunks.push({ path: file, startSeconds: start, durationSeconds: length });
    start += length;
  }
  return chunks;
}

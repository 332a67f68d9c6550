import { z } from "zod";
import type { Config } from "../config.ts";
import { runTool } from "./run.ts";

/** The ffmpeg/ffprobe binaries in use and where they came from. */
export interface FfmpegTools {
  ffmpeg: string;
  ffprobe: string;
  /** `FFMPEG_PATH` or `PATH`: logged at start so an operator knows which build runs. */
  source: string;
}

/** Longest any single ffmpeg/ffprobe run may take before it is killed. */
export const FFMPEG_TIMEOUT_MS = 10 * 60_000;

/** Picks ffmpeg/ffprobe: the configured paths, else the ones on PATH. */
export function resolveFfmpeg(config: Config["media"]): FfmpegTools {
  const ffprobe = config.ffprobePath ?? "ffprobe";
  if (config.ffmpegPath) return { ffmpeg: config.ffmpegPath, ffprobe, source: "FFMPEG_PATH" };
  return { ffmpeg: "ffmpeg", ffprobe, source: "PATH" };
}

const probeOutput = z.object({
  format: z.object({ duration: z.coerce.number().optional() }).optional(),
  streams: z
    .array(
      z.object({
        codec_type: z.string(),
        duration: z.coerce.number().optional(),
        width: z.number().optional(),
        height: z.number().optional(),
      }),
    )
    .default([]),
});

/** What ffprobe says about a media file. */
export interface ProbeResult {
  durationSeconds?: number;
  hasVideo: boolean;
  hasAudio: boolean;
  audioDurationSeconds?: number;
  width?: number;
  height?: number;
}

/** Probes a file; undefined when ffprobe cannot read it (corrupt, truncated, not media). */
export async function probe(tools: FfmpegTools, file: string): Promise<ProbeResult | undefined> {
  const { code, stdout } = await runTool(
    tools.ffprobe,
    ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", file],
    { timeoutMs: 60_000 },
  );
  if (code !== 0) return undefined;
  const parsed = probeOutput.safeParse(JSON.parse(stdout.toString() || "{}"));
  if (!parsed.success) return undefined;
  const video = parsed.data.streams.find((s) => s.codec_type === "video");
  const audio = parsed.data.streams.find((s) => s.codec_type === "audio");
  const duration = parsed.data.format?.duration;
  return {
    durationSeconds: Number.isFinite(duration) ? duration : undefined,
    hasVideo: video !== undefined,
    hasAudio: audio !== undefined,
    audioDurationSeconds: audio?.duration ?? (Number.isFinite(duration) ? duration : undefined),
    width: video?.width,
    height: video?.height,
  };
}

/** Runs ffmpeg quietly, throwing with its last words when it fails. */
export async function runFfmpeg(tools: FfmpegTools, args: string[]): Promise<Buffer> {
  const { code, stdout, stderr } = await runTool(
    tools.ffmpeg,
    ["-hide_banner", "-nostdin", "-loglevel", "error", "-y", ...args],
    { timeoutMs: FFMPEG_TIMEOUT_MS },
  );
  if (code !== 0) throw new Error(`ffmpeg failed (${code}): ${stderr.trim().split("\n").slice(-3).join(" | ")}`);
  return stdout;
}

/** Scale filter: at most 1280 px on the long side, never upscaled, aspect kept. */
export const FIT_1280 = "scale='min(1280,iw)':'min(1280,ih)':force_original_aspect_ratio=decrease";

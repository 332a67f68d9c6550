import type { Config } from "../config.ts";
import type { Logger } from "../log.ts";
import { DEFAULT_CHUNK_SECONDS, extractAudio } from "./audio.ts";
import { downloadPost } from "./download.ts";
import { resolveFfmpeg } from "./ffmpeg.ts";
import { extractFrames } from "./frames.ts";
import { audioOfPost, framesOfPost } from "./items.ts";
import { openSentVideo } from "./sent-file.ts";
import type { MediaTools } from "./types.ts";
import { createWorkDir, DEFAULT_MAX_AGE_MS, DEFAULT_WORK_ROOT, removeWorkDir, sweepStaleWorkDirs } from "./workdir.ts";

export type { AudioChunk, DownloadedMedia, Frame, MediaTools, VideoMetadata } from "./types.ts";
export { resolveFfmpeg, probe, type FfmpegTools, type ProbeResult } from "./ffmpeg.ts";
export { downloadErrorFrom, DOWNLOAD_SENTENCES } from "./download-errors.ts";
export { chooseDistinctSamples, spread } from "./frames.ts";
export { firstFrameOfEachItem } from "./items.ts";
export { DEFAULT_CHUNK_SECONDS, chunkSecondsFor } from "./audio.ts";
export { DEFAULT_WORK_ROOT } from "./workdir.ts";
export { readYtDlpVersion, YT_DLP_STALE_DAYS, type YtDlpVersion } from "./download.ts";

/** Options of {@link createMediaTools} that are not configuration. */
export interface MediaToolOptions {
  /** Parent of the per-job folders (default: `<os tmp>/reelnotes-media`). */
  workRoot?: string;
  /** Longest transcription audio chunk in seconds (default 600). */
  audioChunkSeconds?: number;
  /** Work folders older than this are swept whoever owns them (default 6 h). */
  staleAfterMs?: number;
}

/** The media room: yt-dlp downloads and ffmpeg extraction, configured once. */
export function createMediaTools(config: Config["media"], log: Logger, options: MediaToolOptions = {}): MediaTools {
  const tools = resolveFfmpeg(config);
  const root = options.workRoot ?? DEFAULT_WORK_ROOT;
  log.info({ ffmpeg: tools.ffmpeg, ffprobe: tools.ffprobe, source: tools.source, ytDlp: config.ytDlpPath }, "media tools");
  return {
    createWorkDir: (jobId) => createWorkDir(root, jobId),
    download: (url, workDir, signal) => downloadPost({ config, tools, log }, url, workDir, signal),
    openSentVideo: (file, workDir) => openSentVideo({ config, tools }, file, workDir),
    extractAudio: (media) => audioOfPost(media, (item) => extractAudio(tools, item, options.audioChunkSeconds ?? DEFAULT_CHUNK_SECONDS)),
    extractFrames: (media) => framesOfPost(media, (item) => extractFrames(tools, item, config.maxFrames)),
    removeWorkDir: (dir) => removeWorkDir(root, dir),
    sweepStaleWorkDirs: () => sweepStaleWorkDirs(root, options.staleAfterMs ?? DEFAULT_MAX_AGE_MS),
  };
}

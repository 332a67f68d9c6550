import type { Config } from "../config.ts";
import type { Logger } from "../log.ts";
import { audioChunks, audioOutput, DEFAULT_CHUNK_SECONDS, extractAudio } from "./audio.ts";
import { downloadPost } from "./download.ts";
import { type FfmpegTools, resolveFfmpeg, runFfmpeg } from "./ffmpeg.ts";
import { extractFrames, framesFromSamples, sampleOutput, SAMPLING_INPUT, sampleRate } from "./frames.ts";
import { audioOfPost, framesOfPost } from "./items.ts";
import { openSentVideo } from "./sent-file.ts";
import type { AudioChunk, DownloadedMedia, Frame, MediaTools } from "./types.ts";
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

/**
 * A single video with sound read once for both its transcription audio and its frame samples:
 * each ffmpeg start costs Debian's build about 0.1 s of CPU loading its libraries, and the
 * container is read once instead of twice.
 */
async function audioAndFramesOfVideo(tools: FfmpegTools, media: DownloadedMedia & { videoPath: string }, maxFrames: number, chunkSeconds: number): Promise<{ chunks: AudioChunk[]; frames: Frame[] }> {
  const probed = media.probed!;
  const audio = audioOutput(media.workDir);
  const fps = sampleRate(probed.durationSeconds);
  const samples = await runFfmpeg(tools, [...SAMPLING_INPUT, "-i", media.videoPath, ...audio.args, ...sampleOutput(fps)]);
  const [chunks, frames] = await Promise.all([
    audioChunks(tools, media.workDir, audio, probed, chunkSeconds),
    framesFromSamples(tools, media.videoPath, media.workDir, samples, fps, maxFrames),
  ]);
  return { chunks, frames };
}

/** The media room: yt-dlp downloads and ffmpeg extraction, configured once. */
export function createMediaTools(config: Config["media"], log: Logger, options: MediaToolOptions = {}): MediaTools {
  const tools = resolveFfmpeg(config);
  const root = options.workRoot ?? DEFAULT_WORK_ROOT;
  log.info({ ffmpeg: tools.ffmpeg, ffprobe: tools.ffprobe, source: tools.source, ytDlp: config.ytDlpPath }, "media tools");
  const chunkSeconds = options.audioChunkSeconds ?? DEFAULT_CHUNK_SECONDS;
  const audioOf = (media: DownloadedMedia) => audioOfPost(media, (item) => extractAudio(tools, item, chunkSeconds));
  const framesOf = (media: DownloadedMedia) => framesOfPost(media, (item) => extractFrames(tools, item, config.maxFrames));
  return {
    createWorkDir: (jobId) => createWorkDir(root, jobId),
    download: (url, workDir, signal) => downloadPost({ config, tools, log }, url, workDir, signal),
    openSentVideo: (file, workDir) => openSentVideo({ config, tools }, file, workDir),
    extractAudio: audioOf,
    extractFrames: framesOf,
    extract: async (media, wanted) => {
      const { videoPath, probed } = media;
      if (wanted.audio && wanted.frames && videoPath && !media.items && probed?.hasAudio && probed.hasVideo) {
        return audioAndFramesOfVideo(tools, { ...media, videoPath }, config.maxFrames, chunkSeconds);
      }
      const [chunks, frames] = await Promise.all([wanted.audio ? audioOf(media) : [], wanted.frames ? framesOf(media) : []]);
      return { chunks, frames };
    },
    removeWorkDir: (dir) => removeWorkDir(root, dir),
    sweepStaleWorkDirs: () => sweepStaleWorkDirs(root, options.staleAfterMs ?? DEFAULT_MAX_AGE_MS),
  };
}

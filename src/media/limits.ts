import { stat } from "node:fs/promises";
import type { Config } from "../config.ts";
import { UserFacingError } from "../errors.ts";
import { DOWNLOAD_SENTENCES, tooLargeError, tooLongError } from "./download-errors.ts";
import { type FfmpegTools, probe, type ProbeResult } from "./ffmpeg.ts";
import { expectedBytes, type YtDlpInfo } from "./metadata.ts";

/** The size and length limits, checked on what a post declares and on what arrived. */

/** Refuses a post (or one item of it) by what its page declares: live, too long, too big. */
export function checkDeclaredLimits(info: YtDlpInfo, config: Config["media"]): void {
  if (info.is_live) throw new UserFacingError("unsupported_link", DOWNLOAD_SENTENCES.unsupported_link);
  if (info.duration && info.duration > config.maxVideoSeconds) throw tooLongError(config);
  const bytes = expectedBytes(info);
  if (bytes && bytes > config.maxVideoBytes) throw tooLargeError(config);
}

/** Checks a downloaded file the way ffmpeg will read it: readable, and within the limits. */
export async function verifyMedia(context: { config: Config["media"]; tools: FfmpegTools }, file: string, isSlideshow: boolean): Promise<ProbeResult> {
  const { size } = await stat(file);
  if (size > context.config.maxVideoBytes) throw tooLargeError(context.config);
  const probed = await probe(context.tools, file);
  if (!probed || (!isSlideshow && !probed.hasVideo) || (isSlideshow && !probed.hasAudio)) {
    throw new UserFacingError("video_unreadable", DOWNLOAD_SENTENCES.video_unreadable);
  }
  if (probed.durationSeconds && probed.durationSeconds > context.config.maxVideoSeconds + 1) throw tooLongError(context.config);
  return probed;
}

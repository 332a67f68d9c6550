import { UserFacingError } from "../errors.ts";
import type { Config } from "../config.ts";
import { stat } from "node:fs/promises";
import { DOWNLOAD_SENTENCES, tooLargeError, tooLongError } from "./download-errors.ts";
import { type FfmpegTools, probe } from "./ffmpeg.ts";
import type { DownloadedMedia } from "./types.ts";

/**
 * A video the person sent to the bot as a file (already fetched into the work folder): checked
 * the way ffmpeg will read it, and described like a downloaded post that has no web page.
 */
export async function openSentVideo(
  context: { config: Config["media"]; tools: FfmpegTools },
  file: string,
  workDir: string,
): Promise<DownloadedMedia> {
  if ((await stat(file)).size > context.config.maxVideoBytes) throw tooLargeError(context.config);
  const probed = await probe(context.tools, file);
  if (!probed?.hasVideo) throw new UserFacingError("video_unreadable", DOWNLOAD_SENTENCES.video_unreadable);
  if (probed.durationSeconds && probed.durationSeconds > context.config.maxVideoSeconds + 1) throw tooLongError(context.config);
  return {
    workDir,
    videoPath: file,
    imagePaths: [],
    metadata: { hashtags: [], webpageUrl: "", isSlideshow: false, durationSeconds: probed.durationSeconds },
    probed,
  };
}

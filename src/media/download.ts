import { readdir, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { create as createYtDlp } from "yt-dlp-exec";
import type { Config } from "../config.ts";
import { UserFacingError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { parseVideoLinks } from "../links.ts";
import { DOWNLOAD_SENTENCES, downloadErrorFrom, tooLargeError, tooLongError } from "./download-errors.ts";
import { type FfmpegTools, probe } from "./ffmpeg.ts";
import { expectedBytes, toVideoMetadata, type YtDlpInfo, ytDlpInfo } from "./metadata.ts";
import { stoppedError, watchProcessTree } from "./run.ts";
import type { DownloadedMedia } from "./types.ts";

/**
 * Downloads a post with yt-dlp in two runs sharing one deadline: first the info JSON only, so the
 * length and size limits are checked before a byte of media moves; then the download from that
 * same JSON (`--load-info-json`, no second page fetch). Both run with `--ignore-config` and the URL
 * after `--`, in their own process group so the deadline can kill yt-dlp and the ffmpeg it starts.
 */

type YtDlpFlags = Record<string, unknown>;

interface DownloadContext {
  config: Config["media"];
  tools: FfmpegTools;
  log: Logger;
}

/** The media file name stem inside a work folder. */
const MEDIA_STEM = "media";
const INFO_FILE = "post.info.json";

async function runYtDlp(
  context: DownloadContext,
  flags: YtDlpFlags,
  workDir: string,
  deadline: number,
  signal: AbortSignal | undefined,
): Promise<string> {
  const ytDlp = createYtDlp(context.config.ytDlpPath);
  const child = ytDlp.exec("", { ignoreConfig: true, noWarnings: true, ...flags } as never, {
    cwd: workDir,
    detached: true,
    reject: false,
    all: true,
    maxBuffer: 64 * 1024 * 1024,
  });
  const watch = watchProcessTree(child, { timeoutMs: Math.max(1, deadline - Date.now()), signal });
  try {
    const result = await child;
    const reason = watch.stopReason();
    if (reason) throw stoppedError(reason, "The download", signal);
    if ((result as { failed?: boolean }).failed && result.exitCode === undefined) {
      throw new Error(`yt-dlp could not start: ${context.config.ytDlpPath}`);
    }
    if (result.exitCode !== 0) throw downloadErrorFrom(result.all ?? result.stderr, context.config);
    return result.stdout;
  } finally {
    watch.release();
  }
}

function checkLink(url: string, config: Config["media"]): string {
  const [link] = parseVideoLinks(url, { extraAllowedHosts: config.extraAllowedHosts });
  if (!link) throw new UserFacingError("unsupported_link", DOWNLOAD_SENTENCES.unsupported_link);
  return link.url;
}

function checkLimits(info: YtDlpInfo, config: Config["media"]): void {
  if (info._type === "playlist") throw new UserFacingError("unsupported_link", DOWNLOAD_SENTENCES.unsupported_link);
  if (info.is_live) throw new UserFacingError("unsupported_link", DOWNLOAD_SENTENCES.unsupported_link);
  if (info.duration && info.duration > config.maxVideoSeconds) throw tooLongError(config);
  const bytes = expectedBytes(info);
  if (bytes && bytes > config.maxVideoBytes) throw tooLargeError(config);
}

/** Slide files yt-dlp wrote as numbered thumbnails (`slide.<n>.<ext>`), in post order, renamed plainly. */
async function collectSlides(workDir: string): Promise<string[]> {
  const slides = (await readdir(workDir))
    .map((name) => ({ name, index: /^slide\.(\d+)\.[a-z0-9]+$/i.exec(name)?.[1] }))
    .filter((s): s is { name: string; index: string } => s.index !== undefined)
    .sort((a, b) => Number(a.index) - Number(b.index));
  const paths: string[] = [];
  for (const [i, slide] of slides.entries()) {
    const target = path.join(workDir, `slide-${String(i + 1).padStart(3, "0")}${path.extname(slide.name)}`);
    await rename(path.join(workDir, slide.name), target);
    paths.push(target);
  }
  return paths;
}

async function findMediaFile(workDir: string): Promise<string | undefined> {
  const name = (await readdir(workDir)).find(
    (f) => f.startsWith(`${MEDIA_STEM}.`) && !/\.(part|ytdl|json|temp)$/.test(f) && !f.includes(".f"),
  );
  return name && path.join(workDir, name);
}

/** Checks the downloaded file the way ffmpeg will read it: readable, and within the limits. */
async function verifyMedia(context: DownloadContext, file: string, isSlideshow: boolean): Promise<number | undefined> {
  const { size } = await stat(file);
  if (size > context.config.maxVideoBytes) throw tooLargeError(context.config);
  const probed = await probe(context.tools, file);
  if (!probed || (!isSlideshow && !probed.hasVideo) || (isSlideshow && !probed.hasAudio)) {
    throw new UserFacingError("video_unreadable", DOWNLOAD_SENTENCES.video_unreadable);
  }
  if (probed.durationSeconds && probed.durationSeconds > context.config.maxVideoSeconds + 1) throw tooLongError(context.config);
  return probed.durationSeconds;
}

/** Downloads one post into `workDir`; see the module comment for the steps. */
export async function downloadPost(
  context: DownloadContext,
  url: string,
  workDir: string,
  signal?: AbortSignal,
): Promise<DownloadedMedia> {
  const { config, log } = context;
  const link = checkLink(url, config);
  const deadline = Date.now() + config.downloadTimeoutMs;
  // A stalled socket should fail as a timeout well before the hard deadline when there is room.
  const socketTimeout = Math.max(5, Math.min(30, Math.floor(config.downloadTimeoutMs / 3000)));
  const common = { socketTimeout, noPlaylist: true };

  const json = await runYtDlp(context, { ...common, dumpSingleJson: true, "--": [link] }, workDir, deadline, signal);
  const parsed = ytDlpInfo.safeParse(JSON.parse(json));
  if (!parsed.success) throw new UserFacingError("download_failed", DOWNLOAD_SENTENCES.download_failed, { cause: parsed.error });
  const info = parsed.data;
  checkLimits(info, config);
  const metadata = toVideoMetadata(info, link);
  await writeFile(path.join(workDir, INFO_FILE), json);

  const outputs = [path.join(workDir, `${MEDIA_STEM}.%(ext)s`)];
  if (metadata.isSlideshow) outputs.push(`thumbnail:${path.join(workDir, "slide.%(ext)s")}`);
  const output = await runYtDlp(
    context,
    {
      ...common,
      loadInfoJson: path.join(workDir, INFO_FILE),
      maxFilesize: String(config.maxVideoBytes),
      format: "bv*[height<=1920]+ba/b[height<=1920]/bv*+ba/b",
      formatSort: "res:1280",
      mergeOutputFormat: "mp4",
      // dargs turns `false` into `--no-…`, which this yt-dlp does not know for every flag.
      ...(metadata.isSlideshow ? { writeAllThumbnails: true } : {}),
      // yt-dlp takes --ffmpeg-location as a path; a bare "ffmpeg" would make it merge without ffmpeg.
      ...(context.tools.source === "PATH" ? {} : { ffmpegLocation: context.tools.ffmpeg }),
      noMtime: true,
      noProgress: true,
      output: outputs,
    },
    workDir,
    deadline,
    signal,
  );
  const file = await findMediaFile(workDir);
  if (!file) throw downloadErrorFrom(output, config);
  const duration = await verifyMedia(context, file, metadata.isSlideshow);
  metadata.durationSeconds ??= duration;
  const imagePaths = metadata.isSlideshow ? await collectSlides(workDir) : [];
  log.info({ workDir, slideshow: metadata.isSlideshow, images: imagePaths.length }, "post downloaded");
  return metadata.isSlideshow
    ? { workDir, imagePaths, audioPath: file, metadata }
    : { workDir, videoPath: file, imagePaths, metadata };
}

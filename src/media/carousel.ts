import { mkdir, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import type { Config } from "../config.ts";
import { UserFacingError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { DOWNLOAD_SENTENCES, downloadErrorFrom } from "./download-errors.ts";
import type { FfmpegTools } from "./ffmpeg.ts";
import { checkDeclaredLimits, verifyMedia } from "./limits.ts";
import { toVideoMetadata, type YtDlpInfo, ytDlpInfo } from "./metadata.ts";
import type { DownloadedMedia } from "./types.ts";

/**
 * A post of several items, as yt-dlp answers for an Instagram carousel: a playlist whose entries
 * are the items in post order. A video item has formats and is downloaded as `media-<n>.<ext>`;
 * a picture item has no formats (yt-dlp reports "No video formats found" for it) and its
 * thumbnails are the picture, written as `slide-<n>[.<k>].<ext>` (or under the media name).
 * Each item is checked against the size and length limits on its own and moved into a folder of
 * its own, so the audio and frames of one item never meet another's files.
 */

const PICTURE = /\.(jpe?g|png|webp)$/i;
const PARTIAL = /\.(part|ytdl|json|temp)$/i;

/** The playlist's own information (written at the end of a playlist), if the post was one. */
export async function readPlaylist(file: string): Promise<YtDlpInfo | undefined> {
  const line = (await readFile(file, "utf8").catch(() => "")).split("\n").find((l) => l.startsWith("{"));
  if (!line) return undefined;
  const parsed = ytDlpInfo.safeParse(JSON.parse(line));
  if (!parsed.success) throw new UserFacingError("download_failed", DOWNLOAD_SENTENCES.download_failed, { cause: parsed.error });
  return parsed.data._type === "playlist" ? parsed.data : undefined;
}

interface CarouselContext {
  config: Config["media"];
  tools: FfmpegTools;
  log: Logger;
}

/** The largest of `files` (the best of a picture's thumbnails). */
async function largest(dir: string, files: string[]): Promise<string | undefined> {
  let best: { name: string; size: number } | undefined;
  for (const name of files) {
    const size = (await stat(path.join(dir, name))).size;
    if (!best || size > best.size) best = { name, size };
  }
  return best?.name;
}

async function collectItem(context: CarouselContext, workDir: string, names: string[], entry: YtDlpInfo, n: number, output: string): Promise<DownloadedMedia> {
  const mine = names.filter((name) => name.startsWith(`media-${n}.`) || name.startsWith(`slide-${n}.`));
  const itemDir = path.join(workDir, `item-${String(n).padStart(2, "0")}`);
  await mkdir(itemDir, { recursive: true });
  const metadata = { hashtags: [], webpageUrl: "", isSlideshow: false };
  if ((entry.formats ?? []).length > 0) {
    checkDeclaredLimits(entry, context.config);
    const video = mine.find((name) => name.startsWith(`media-${n}.`) && !PICTURE.test(name) && !PARTIAL.test(name) && !/\.f\d/.test(name));
    if (!video) throw downloadErrorFrom(output, context.config);
    const videoPath = path.join(itemDir, `media${path.extname(video)}`);
    await rename(path.join(workDir, video), videoPath);
    const probed = await verifyMedia(context, videoPath, false);
    return { workDir: itemDir, videoPath, imagePaths: [], metadata: { ...metadata, durationSeconds: probed.durationSeconds }, probed };
  }
  const picture = await largest(workDir, mine.filter((name) => PICTURE.test(name)));
  if (!picture) throw downloadErrorFrom(output, context.config);
  const picturePath = path.join(itemDir, `picture${path.extname(picture)}`);
  await rename(path.join(workDir, picture), picturePath);
  return { workDir: itemDir, imagePaths: [picturePath], metadata: { ...metadata, isSlideshow: true } };
}

/** The carousel's items from what yt-dlp left in `workDir`, in post order, each checked; throws when one is missing. */
export async function collectCarousel(
  context: CarouselContext,
  workDir: string,
  link: string,
  playlist: YtDlpInfo,
  entries: YtDlpInfo[],
  run: { output: string },
): Promise<DownloadedMedia> {
  if (entries.length === 0) throw downloadErrorFrom(run.output, context.config);
  const names = await readdir(workDir);
  const ordered = entries.map((entry, i) => ({ entry, n: entry.playlist_index ?? i + 1 })).sort((a, b) => a.n - b.n);
  const items: DownloadedMedia[] = [];
  for (const { entry, n } of ordered) items.push(await collectItem(context, workDir, names, entry, n, run.output));
  // What was not taken (a video's cover, a picture's smaller sizes) goes.
  for (const name of await readdir(workDir)) if (/^(media|slide)-\d+\./.test(name)) await rm(path.join(workDir, name), { force: true });
  const metadata = { ...toVideoMetadata(playlist, link), isSlideshow: false };
  const seconds = items.reduce((sum, item) => sum + (item.metadata.durationSeconds ?? 0), 0);
  if (seconds > 0) metadata.durationSeconds = seconds;
  context.log.info({ workDir, items: items.length, videos: items.filter((i) => i.videoPath).length }, "carousel downloaded");
  return { workDir, imagePaths: [], metadata, items };
}

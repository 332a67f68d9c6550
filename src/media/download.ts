import { watch } from "node:fs";
import { readdir, readFile, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { create as createYtDlp } from "yt-dlp-exec";
import type { Config } from "../config.ts";
import { UserFacingError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { parseVideoLinks } from "../links.ts";
import { collectCarousel, readPlaylist } from "./carousel.ts";
import { DOWNLOAD_SENTENCES, downloadErrorFrom, tooLargeError } from "./download-errors.ts";
import { startEgressGuard, type EgressGuard } from "./egress-guard.ts";
import type { FfmpegTools } from "./ffmpeg.ts";
import { checkDeclaredLimits, verifyMedia } from "./limits.ts";
import { toVideoMetadata, type YtDlpInfo, ytDlpInfo } from "./metadata.ts";
import { runTool, stoppedError, watchProcessTree } from "./run.ts";
import type { DownloadedMedia } from "./types.ts";

/**
 * Downloads a post with one yt-dlp run (one Python start per video, the costliest part of a
 * download on a busy machine). The limits are still checked before a byte of media moves, by
 * yt-dlp itself on the page's information: `--match-filter` (length, live) and `--max-filesize`
 * (declared size; also stops a download that grows past it). The page's information is written
 * at the `pre_process` stage, before that check, so a refused post is named precisely. The run
 * uses `--ignore-config`, the URL after `--`, and its own process group so the deadline can kill
 * yt-dlp and the ffmpeg it starts.
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
const PLAYLIST_FILE = "post.playlist.json";
/** A carousel item's files are named `media-<n>.<ext>` and `slide-<n>.<ext>`; a single post's `media.<ext>`. */
const ITEM_SUFFIX = "%(playlist_index&-|)s%(playlist_index|)s";

async function runYtDlp(
  context: DownloadContext,
  /** Options dargs cannot express (one flag with two values), placed first. */
  rawArgs: string[],
  flags: YtDlpFlags,
  workDir: string,
  deadline: number,
  signal: AbortSignal | undefined,
): Promise<{ output: string; failed: boolean }> {
  const ytDlp = createYtDlp(context.config.ytDlpPath);
  const child = ytDlp.exec(rawArgs as never, { ignoreConfig: true, noWarnings: true, ...flags } as never, {
    cwd: workDir,
    detached: true,
    reject: false,
    all: true,
    maxBuffer: 64 * 1024 * 1024,
  });
  const watch = watchProcessTree(child, { timeoutMs: Math.max(1, deadline - Date.now()), signal });
  const sizeWatch = watchMediaSize(workDir, context.config.maxVideoBytes, () => watch.stop("too_large"));
  try {
    const result = await child;
    const reason = watch.stopReason();
    if (reason === "too_large") throw tooLargeError(context.config);
    if (reason) throw stoppedError(reason, "The download", signal);
    if ((result as { failed?: boolean }).failed && result.exitCode === undefined) {
      throw new Error(`yt-dlp could not start: ${context.config.ytDlpPath}`);
    }
    // A carousel's pictures fail as "No video formats found" while their pictures are written: the caller judges.
    return { output: result.all ?? result.stderr, failed: result.exitCode !== 0 };
  } finally {
    sizeWatch.close();
    watch.release();
  }
}

/**
 * Calls `exceeded` as soon as the media yt-dlp is writing into `workDir` for one item (parts included) passes
 * `maxBytes`. yt-dlp's --max-filesize only knows a size declared in advance; a chunked answer of
 * unknown length would otherwise be downloaded whole before the file is measured.
 */
function watchMediaSize(workDir: string, maxBytes: number, exceeded: () => void): { close(): void } {
  let checking = false;
  let again = false;
  const check = async () => {
    if (checking) return void (again = true);
    checking = true;
    do {
      again = false;
      // Per item: a carousel's `media-<n>.*` parts count towards item n only.
      const totals = new Map<string, number>();
      for (const name of await readdir(workDir).catch(() => [])) {
        if (!/^media(-\d+)?\./.test(name)) continue;
        const item = name.slice(0, name.indexOf("."));
        totals.set(item, (totals.get(item) ?? 0) + ((await stat(path.join(workDir, name)).catch(() => undefined))?.size ?? 0));
      }
      if ([...totals.values()].some((total) => total > maxBytes)) return exceeded();
    } while (again);
    checking = false;
  };
  const watcher = watch(workDir, () => void check());
  watcher.on("error", () => undefined);
  return { close: () => watcher.close() };
}

/**
 * The only yt-dlp extractors a post may reach. Without this list the generic extractor reads any
 * page a post redirects to, internal addresses included; it stays only for the test stand-in hosts.
 */
const POST_EXTRACTORS = "TikTok,vm.tiktok,Instagram";

function extractorsFor(link: string, config: Config["media"]): string {
  const host = new URL(link).host.toLowerCase();
  return config.extraAllowedHosts.some((h) => h.trim().toLowerCase() === host) ? "generic" : POST_EXTRACTORS;
}

function checkLink(url: string, config: Config["media"]): string {
  const [link] = parseVideoLinks(url, { extraAllowedHosts: config.extraAllowedHosts });
  if (!link) throw new UserFacingError("unsupported_link", DOWNLOAD_SENTENCES.unsupported_link);
  return link.url;
}

/** The page's information as yt-dlp wrote it before checking the limits (the first post's, one JSON per line). */
async function readInfo(file: string): Promise<YtDlpInfo | undefined> {
  const first = (await readFile(file, "utf8").catch(() => "")).split("\n").find((line) => line.startsWith("{"));
  if (!first) return undefined;
  const parsed = ytDlpInfo.safeParse(JSON.parse(first));
  if (!parsed.success) throw new UserFacingError("download_failed", DOWNLOAD_SENTENCES.download_failed, { cause: parsed.error });
  return parsed.data;
}

/** Every entry's information, in the order yt-dlp wrote them (a carousel's items). */
async function readInfos(file: string): Promise<YtDlpInfo[]> {
  const lines = (await readFile(file, "utf8").catch(() => "")).split("\n").filter((line) => line.startsWith("{"));
  return lines.map((line) => {
    const parsed = ytDlpInfo.safeParse(JSON.parse(line));
    if (!parsed.success) throw new UserFacingError("download_failed", DOWNLOAD_SENTENCES.download_failed, { cause: parsed.error });
    return parsed.data;
  });
}

/** Removes the media and slides yt-dlp wrote into `workDir`. */
async function removeDownloaded(workDir: string): Promise<void> {
  for (const name of await readdir(workDir).catch(() => [])) {
    if (name.startsWith(MEDIA_STEM) || name.startsWith("slide") || name.startsWith("item-")) await rm(path.join(workDir, name), { recursive: true, force: true });
  }
}

/** Thumbnails a video post also got (only a photo post's are its slides). */
async function removeSlides(workDir: string): Promise<void> {
  for (const name of await readdir(workDir)) if (/^slide\./.test(name)) await rm(path.join(workDir, name), { force: true });
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

/** The downloaded video or audio (a thumbnail not yet moved to its `slide.` name is not it). */
async function findMediaFile(workDir: string): Promise<string | undefined> {
  const name = (await readdir(workDir)).find(
    (f) => f.startsWith(`${MEDIA_STEM}.`) && !/\.(part|ytdl|json|temp|jpe?g|png|webp|gif|image)$/.test(f) && !f.includes(".f"),
  );
  return name && path.join(workDir, name);
}

/** Downloads one post into `workDir`; see the module comment for the steps. */
export async function downloadPost(
  context: DownloadContext,
  url: string,
  workDir: string,
  signal?: AbortSignal,
): Promise<DownloadedMedia> {
  const { config } = context;
  const link = checkLink(url, config);
  const deadline = Date.now() + config.downloadTimeoutMs;
  // A stalled socket should fail as a timeout well before the hard deadline when there is room.
  const socketTimeout = Math.max(5, Math.min(30, Math.floor(config.downloadTimeoutMs / 3000)));
  const infoFile = path.join(workDir, INFO_FILE);
  const outputs = [path.join(workDir, `${MEDIA_STEM}${ITEM_SUFFIX}.%(ext)s`), `thumbnail:${path.join(workDir, `slide${ITEM_SUFFIX}.%(ext)s`)}`];
  // Through the guard unless the operator routes yt-dlp through a proxy of their own (YT_DLP_PROXY).
  const guard = config.ytDlpProxy ? undefined : await startEgressGuard(config.extraAllowedHosts);
  try {
    const output = await runYtDlp(
      context,
      ["--use-extractors", extractorsFor(link, config), "--print-to-file", "pre_process:%()j", infoFile,
        "--print-to-file", "playlist:%()j", path.join(workDir, PLAYLIST_FILE)],
      {
        socketTimeout,
        noPlaylist: true,
        // A carousel's pictures have no formats: their thumbnails are the pictures.
        ignoreNoFormatsError: true,
        matchFilter: `!is_live & duration <=? ${config.maxVideoSeconds}`,
        maxFilesize: String(config.maxVideoBytes),
        format: "bv*[height<=1920]+ba/b[height<=1920]/bv*+ba/b",
        formatSort: "res:1280",
        mergeOutputFormat: "mp4",
        // A photo post's slides are its thumbnails, and whether a post is one shows only on its
        // page: every post's thumbnails are written (a few small images), a video's then removed.
        writeAllThumbnails: true,
        // yt-dlp takes --ffmpeg-location as a path; a bare "ffmpeg" would make it merge without ffmpeg.
        ...(context.tools.source === "PATH" ? {} : { ffmpegLocation: context.tools.ffmpeg }),
        ...(config.ytDlpCookiesFile ? { cookies: config.ytDlpCookiesFile } : {}),
        proxy: config.ytDlpProxy ?? guard!.proxyUrl,
        noMtime: true,
        noProgress: true,
        output: outputs,
        "--": [link],
      },
      workDir,
      deadline,
      signal,
    );
    refuseInternalDestinations(context, guard, link);
    const playlist = await readPlaylist(path.join(workDir, PLAYLIST_FILE));
    if (playlist) return await collectCarousel(context, workDir, link, playlist, await readInfos(infoFile), output);
    if (output.failed) throw downloadErrorFrom(output.output, config);
    return await collectDownload(context, workDir, link, output.output, await readInfo(infoFile));
  } catch (error) {
    // Nothing half-made stays behind: a refused or failed post may have left thumbnails or parts.
    await removeDownloaded(workDir);
    refuseInternalDestinations(context, guard, link);
    if (error instanceof UserFacingError && error.kind === "login_required") context.log.warn({ link }, loginWallAdvice(config));
    throw error;
  } finally {
    await guard?.close();
  }
}

/**
 * A post that led anywhere the guard refused fails as one answer, whatever else happened, so the
 * reply never tells what is listening at an internal address.
 */
function refuseInternalDestinations(context: DownloadContext, guard: EgressGuard | undefined, link: string): void {
  if (!guard?.refused.length) return;
  context.log.warn({ link, refused: guard.refused }, "a download led to an internal or private address; refused");
  throw new UserFacingError("download_failed", DOWNLOAD_SENTENCES.download_failed);
}


/** What the operator can do about a login wall, given what is already set. */
function loginWallAdvice(config: DownloadContext["config"]): string {
  return config.ytDlpCookiesFile
    ? "the site asked yt-dlp to log in although YT_DLP_COOKIES_FILE is set: export the cookies again from a logged-in browser (they expire), or set YT_DLP_PROXY"
    : "the site asked yt-dlp to log in: set YT_DLP_COOKIES_FILE to a cookies.txt exported from a logged-in browser (see README), or YT_DLP_PROXY if the site blocks this address";
}

/** What the run left in `workDir`, checked and named; throws the reason when there is no usable media. */
async function collectDownload(context: DownloadContext, workDir: string, link: string, output: string, info: YtDlpInfo | undefined): Promise<DownloadedMedia> {
  const { config, log } = context;
  if (!info) throw downloadErrorFrom(output, config);
  // A post yt-dlp skipped by the filter gets its precise sentence from the same information.
  checkDeclaredLimits(info, config);
  const metadata = toVideoMetadata(info, link);
  const file = await findMediaFile(workDir);
  if (!file) throw downloadErrorFrom(output, config);
  const probed = await verifyMedia(context, file, metadata.isSlideshow);
  metadata.durationSeconds ??= probed.durationSeconds;
  const imagePaths = metadata.isSlideshow ? await collectSlides(workDir) : [];
  if (!metadata.isSlideshow) await removeSlides(workDir);
  log.info({ workDir, slideshow: metadata.isSlideshow, images: imagePaths.length }, "post downloaded");
  return metadata.isSlideshow
    ? { workDir, imagePaths, audioPath: file, metadata, probed }
    : { workDir, videoPath: file, imagePaths, metadata, probed };
}

/** The yt-dlp on this machine: its version and how long ago that release came out. */
export interface YtDlpVersion {
  version: string;
  /** Release date read from the version (yt-dlp numbers releases YYYY.MM.DD), when it has one. */
  released?: string;
  ageDays?: number;
  /** Older than {@link YT_DLP_STALE_DAYS}: TikTok and Instagram break old releases within weeks. */
  stale: boolean;
}

/** Releases older than this are reported as stale at start-up. */
export const YT_DLP_STALE_DAYS = 90;

/** Reads a yt-dlp version string ("2025.10.22", nightly "2025.10.22.232815") against `now`. */
export function describeYtDlpVersion(version: string, now: Date): YtDlpVersion {
  const match = /^(\d{4})\.(\d{2})\.(\d{2})/.exec(version);
  if (!match) return { version, stale: false };
  const released = `${match[1]}-${match[2]}-${match[3]}`;
  const ageDays = Math.floor((now.getTime() - Date.parse(`${released}T00:00:00Z`)) / 86_400_000);
  return { version, released, ageDays, stale: ageDays > YT_DLP_STALE_DAYS };
}

/** Runs `yt-dlp --version`; undefined when yt-dlp cannot be started or says nothing useful. */
export async function readYtDlpVersion(config: Pick<Config["media"], "ytDlpPath">, now = new Date()): Promise<YtDlpVersion | undefined> {
  try {
    const { code, stdout } = await runTool(config.ytDlpPath, ["--version"], { timeoutMs: 15_000 });
    const version = stdout.toString().trim().split("\n")[0]?.trim();
    return code === 0 && version ? describeYtDlpVersion(version, now) : undefined;
  } catch {
    return undefined;
  }
}

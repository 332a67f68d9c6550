import { existsSync, readFileSync } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import escapeHtml from "escape-html";
import type { Request, Response } from "express";
import { postIdFor, type PostInfo } from "../fixtures/media.ts";
import { startEmulator, type EmulatorHandle } from "./kit.ts";

/**
 * A local stand-in for TikTok post pages, serving the media made by test/fixtures/media.ts.
 *
 * Paths look like TikTok's (`/@user/video/<id>`, `/@user/photo/<id>`), so parseVideoLinks reads them
 * once the host is in `extraAllowedHosts`. A post page is HTML the way a real one is: Open Graph
 * and twitter: tags for link previews, plus a schema.org JSON-LD object. yt-dlp 2023.03.04's generic
 * extractor reads the JSON-LD first (name, description, author, uploadDate, duration, thumbnailUrl,
 * keywords, contentUrl, contentSize, encodingFormat), so that is where the metadata and media link live:
 *  - a video post is a `VideoObject` whose contentUrl is the mp4;
 *  - a slideshow (photo) post is an `AudioObject` whose contentUrl is its soundtrack and whose
 *    `thumbnailUrl` lists the slides in order; that is how the media room recognises a slideshow
 *    (no video stream; the images come through as the post's thumbnails).
 *  - a carousel (Instagram's post of several pictures and videos) is a page whose player lists the
 *    items in order (JW Player's `setup({ playlist })`, which the generic extractor reads): yt-dlp
 *    then answers as its Instagram extractor does for a carousel, a playlist whose entries are the
 *    items, a video with its formats, a picture with no formats and its image as the thumbnail
 *    (yt-dlp reports "No video formats found" for each picture and writes its thumbnail).
 * Also served: unknown ids answer 404, `stallUrl` sends half a page and then nothing, and
 * `statusUrl(code)` answers any HTTP status (403, 410, 429, 503 ...), and `unsizedUrl` is a post
 * whose page declares no size and whose video comes chunked: `unsizedBytes` (option) and then
 * nothing more until the client hangs up, which `unsized.hungUp` tells.
 */

/** A running video host. */
export interface VideoHost extends EmulatorHandle {
  /** "127.0.0.1:<port>": what to put in `extraAllowedHosts`. */
  host: string;
  /** The post page URL of a fixture made into the host's folder. */
  postUrl(name: string): string;
  /** A post that does not exist (404). */
  missingUrl: string;
  /** A post page that starts answering and then stalls until the client gives up. */
  stallUrl: string;
  /** A post page answering with `status`. */
  statusUrl(status: number): string;
  /** A post whose video has no declared size and comes chunked (`unsizedBytes`, then a pause). */
  unsizedUrl: string;
  /** Bytes of the unsized video sent, and whether the client hung up during the pause. */
  readonly unsized: { sent: number; hungUp: boolean };
  /**
   * A login wall, as Instagram puts up: while set ("name=value"), post pages answer 401 unless
   * the request carries that cookie. Undefined: no wall.
   */
  loginCookie: string | undefined;
  /** Requests that reached the host as an HTTP proxy (absolute URLs), in order. */
  readonly proxied: string[];
  /**
   * An address off this host (a canary on an internal port, say) that two posts lead to:
   * `redirectingUrl` answers 302 to it, `pointingUrl` is a page whose video and cover live there.
   */
  elsewhere: string;
  redirectingUrl: string;
  pointingUrl: string;
}

const MISSING_ID = "7000000000000000404";
const STALL_ID = "7000000000000000001";
const STATUS_PREFIX = "70000000000000";
const UNSIZED_ID = "7000000000000000002";
const REDIRECTING_ID = "7000000000000000003";
const POINTING_ID = "7000000000000000004";
const CHUNK = Buffer.alloc(64 * 1024, 1);

/** A post page whose video and cover are at `elsewhere`, off this host. */
function pointingPage(elsewhere: string): string {
  const ld = { "@context": "https://schema.org", "@type": "VideoObject", name: "Away", description: "Hosted elsewhere", contentUrl: `${elsewhere}/video.mp4`, thumbnailUrl: [`${elsewhere}/cover.jpg`], encodingFormat: "video/mp4" };
  return `<!DOCTYPE html><html><head><title>Away | TikTok</title><meta property="og:image" content="${escapeHtml(`${elsewhere}/cover.jpg`)}"><script type="application/ld+json">${JSON.stringify(ld)}</script></head><body></body></html>`;
}

/** A post page that names a chunked video and no size, as a site that does not know it. */
function unsizedPage(base: string): string {
  const ld = { "@context": "https://schema.org", "@type": "VideoObject", name: "Endless", description: "No size given", contentUrl: `${base}/stream/unsized.mp4`, encodingFormat: "video/mp4" };
  return `<!DOCTYPE html><html><head><title>Endless | TikTok</title><script type="application/ld+json">${JSON.stringify(ld)}</script></head><body></body></html>`;
}

function isoDuration(seconds: number | undefined): string | undefined {
  return seconds === undefined ? undefined : `PT${Math.round(seconds)}S`;
}

function postPage(post: PostInfo, base: string, pageUrl: string, contentSize: number): string {
  const mediaUrl = (file: string) => `${base}/media/${encodeURIComponent(file)}`;
  const isVideo = post.kind === "video";
  const images = (post.images ?? []).map(mediaUrl);
  const contentFile = isVideo ? post.media! : post.audio;
  const keywords = [...post.caption.matchAll(/#([\p{L}\p{N}_]+)/gu)].map((m) => m[1]).join(",");
  const jsonLd = {
    "@context": "https://schema.org",
    "@type": isVideo ? "VideoObject" : "AudioObject",
    name: post.title,
    description: post.caption,
    author: { "@type": "Person", name: post.uploader },
    uploadDate: post.uploadDate,
    duration: isoDuration(post.durationSeconds),
    thumbnailUrl: isVideo ? (post.cover ? [mediaUrl(post.cover)] : []) : images,
    keywords,
    contentUrl: contentFile ? mediaUrl(contentFile) : undefined,
    contentSize: String(post.contentSize ?? contentSize),
    encodingFormat: isVideo ? "video/mp4" : "audio/mpeg",
  };
  const og = [
    ["og:type", isVideo ? "video.other" : "article"],
    ["og:url", pageUrl],
    ["og:title", post.title],
    ["og:description", post.caption],
    ...(images[0] || post.cover ? [["og:image", images[0] ?? mediaUrl(post.cover!)]] : []),
    ...(isVideo ? [["og:video", mediaUrl(post.media!)], ["og:video:type", "video/mp4"]] : []),
    ["twitter:card", isVideo ? "player" : "summary_large_image"],
    ["twitter:title", post.title],
  ];
  const meta = og.map(([p, c]) => `<meta property="${p}" content="${escapeHtml(c!)}">`).join("\n    ");
  // `<` inside JSON-LD would let a caption close the script tag.
  const ld = JSON.stringify(jsonLd).replace(/</g, "\\u003c");
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>${escapeHtml(post.title)} | TikTok</title>
    ${meta}
    <script type="application/ld+json">${ld}</script>
  </head>
  <body><h1>${escapeHtml(post.title)}</h1><p>${escapeHtml(post.caption)}</p></body>
</html>`;
}

function carouselPage(post: PostInfo, base: string, pageUrl: string): string {
  const mediaUrl = (file: string) => `${base}/media/${encodeURIComponent(file)}`;
  const playlist = (post.items ?? []).map((item, index) => ({
    mediaid: `${postIdFor(post.name)}-${index + 1}`,
    title: `${post.title} (${index + 1})`,
    image: mediaUrl(item.kind === "picture" ? item.file : item.file.replace(/\.mp4$/, ".cover.jpg")),
    sources: item.kind === "video" ? [{ file: mediaUrl(item.file), type: "video/mp4" }] : [],
  }));
  const meta = [
    ["og:type", "article"],
    ["og:url", pageUrl],
    ["og:title", post.title],
    ["og:description", post.caption],
  ].map(([p, c]) => `<meta property="${p}" content="${escapeHtml(c!)}">`).join("\n    ");
  const setup = JSON.stringify({ playlist }).replace(/</g, "\\u003c");
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>${escapeHtml(post.title)} | Instagram</title>
    ${meta}
  </head>
  <body><div id="player"></div><script>jwplayer("player").setup(${setup});</script></body>
</html>`;
}

async function findPost(dir: string, id: string): Promise<PostInfo | undefined> {
  for (const file of await readdir(dir)) {
    if (!file.endsWith(".post.json")) continue;
    const post = JSON.parse(await readFile(path.join(dir, file), "utf8")) as PostInfo;
    if (postIdFor(post.name) === id) return post;
  }
  return undefined;
}

function notFound(res: Response): void {
  res.status(404).type("html").send("<!DOCTYPE html><html><head><title>TikTok</title></head><body>Couldn't find this video</body></html>");
}

/** Starts the host over `dir`, where test/fixtures/media.ts makers wrote their media. */
export async function startVideoHost(options: { dir: string; unsizedBytes?: number }): Promise<VideoHost> {
  const { dir } = options;
  const unsizedBytes = options.unsizedBytes ?? 4 * 1024 * 1024;
  const unsized = { sent: 0, hungUp: false };
  const stalled = new Set<Response>();
  const wall = { cookie: undefined as string | undefined };
  const away = { url: "http://127.0.0.1:9" };
  const proxied: string[] = [];
  const handle = await startEmulator((app, self) => {
    // A proxy is sent the absolute URL; Express routes it by its path like any other request.
    app.use((req, _res, next) => {
      if (/^https?:\/\//.test(req.url)) proxied.push(req.url);
      next();
    });
    app.get(/^\/@([A-Za-z0-9_.]*)\/(video|photo)\/(\d+)\/?$/, async (req: Request, res: Response) => {
      const cookies = (req.get("cookie") ?? "").split(/;\s*/);
      if (wall.cookie && !cookies.includes(wall.cookie)) {
        res.status(401).type("html").send("<!DOCTYPE html><html><head><title>Login • Instagram</title></head><body>Log in to see this post</body></html>");
        return;
      }
      const id = (req.params as Record<string, string>)[2]!;
      if (id === STALL_ID) {
        stalled.add(res);
        res.on("close", () => stalled.delete(res));
        res.status(200).type("html").write("<!DOCTYPE html><html><head><title>");
        return;
      }
      if (id === UNSIZED_ID) return void res.type("html").send(unsizedPage(self.url));
      if (id === REDIRECTING_ID) return void res.redirect(302, `${away.url}/@away/video/${REDIRECTING_ID}`);
      if (id === POINTING_ID) return void res.type("html").send(pointingPage(away.url));
      if (id.startsWith(STATUS_PREFIX) && id !== MISSING_ID) {
        res.status(Number(id.slice(STATUS_PREFIX.length))).type("html").send("<html><body>status</body></html>");
        return;
      }
      const post = await findPost(dir, id);
      if (!post) return notFound(res);
      if (post.kind === "carousel") return void res.type("html").send(carouselPage(post, self.url, `${self.url}${req.path}`));
      const contentFile = post.kind === "video" ? post.media : post.audio;
      const size = contentFile ? (await stat(path.join(dir, contentFile))).size : 0;
      res.type("html").send(postPage(post, self.url, `${self.url}${req.path}`, size));
    });
    app.get("/stream/unsized.mp4", async (_req: Request, res: Response) => {
      // No Content-Length: Node sends it chunked, and only the bytes themselves tell the size.
      res.status(200).type("video/mp4");
      stalled.add(res);
      const closed = new Promise((resolve) => res.once("close", resolve));
      let left = unsizedBytes;
      while (left > 0 && !res.destroyed) {
        const chunk = CHUNK.subarray(0, Math.min(CHUNK.length, left));
        left -= chunk.length;
        unsized.sent += chunk.length;
        if (!res.write(chunk)) await Promise.race([new Promise((resolve) => res.once("drain", resolve)), closed]);
      }
      // Then nothing more: a client that waits for the end waits until its socket timeout.
      await closed;
      stalled.delete(res);
      unsized.hungUp = true;
    });
    app.get("/media/:file", (req: Request, res: Response) => {
      const file = path.basename(String(req.params.file));
      const full = path.join(dir, file);
      if (!existsSync(full) || file.endsWith(".json")) return notFound(res);
      res.sendFile(full);
    });
  });
  const host = `127.0.0.1:${handle.port}`;
  const stop = handle.stop;
  const extra = {
    host,
    postUrl(name: string) {
      const post = JSON.parse(readFileSync(path.join(dir, `${name}.post.json`), "utf8")) as PostInfo;
      return `${handle.url}/@${post.uploader}/${post.kind === "video" ? "video" : "photo"}/${postIdFor(name)}`;
    },
    missingUrl: `${handle.url}/@ghost/video/${MISSING_ID}`,
    stallUrl: `${handle.url}/@slow/video/${STALL_ID}`,
    unsizedUrl: `${handle.url}/@endless/video/${UNSIZED_ID}`,
    redirectingUrl: `${handle.url}/@away/video/${REDIRECTING_ID}`,
    pointingUrl: `${handle.url}/@away/video/${POINTING_ID}`,
    get elsewhere() {
      return away.url;
    },
    set elsewhere(value: string) {
      away.url = value;
    },
    unsized,
    proxied,
    get loginCookie() {
      return wall.cookie;
    },
    set loginCookie(value: string | undefined) {
      wall.cookie = value;
    },
    statusUrl: (status: number) => `${handle.url}/@status/video/${STATUS_PREFIX}${String(status).padStart(3, "0")}`,
    stop: async () => {
      for (const res of stalled) res.destroy();
      await stop();
    },
  };
  // defineProperties (not Object.assign) so the loginCookie accessor stays live.
  return Object.defineProperties(handle, Object.getOwnPropertyDescriptors(extra)) as VideoHost;
}

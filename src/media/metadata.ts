import { z } from "zod";
import type { VideoMetadata } from "./types.ts";

/** The parts of yt-dlp's info JSON we read; everything is optional because extractors differ. */
export const ytDlpInfo = z.looseObject({
  _type: z.string().nullish(),
  id: z.string().nullish(),
  title: z.string().nullish(),
  description: z.string().nullish(),
  uploader: z.string().nullish(),
  channel: z.string().nullish(),
  creator: z.string().nullish(),
  uploader_id: z.string().nullish(),
  duration: z.number().nullish(),
  thumbnail: z.string().nullish(),
  thumbnails: z.array(z.looseObject({ url: z.string(), id: z.string().nullish() })).nullish(),
  tags: z.array(z.string()).nullish(),
  upload_date: z.string().nullish(),
  webpage_url: z.string().nullish(),
  is_live: z.boolean().nullish(),
  /** A playlist entry's place (1-based): a carousel item's. */
  playlist_index: z.number().nullish(),
  vcodec: z.string().nullish(),
  filesize: z.number().nullish(),
  filesize_approx: z.number().nullish(),
  formats: z
    .array(z.looseObject({ vcodec: z.string().nullish(), filesize: z.number().nullish(), filesize_approx: z.number().nullish() }))
    .nullish(),
  requested_formats: z
    .array(z.looseObject({ filesize: z.number().nullish(), filesize_approx: z.number().nullish() }))
    .nullish(),
});

/** yt-dlp's info JSON, parsed once at the edge. */
export type YtDlpInfo = z.infer<typeof ytDlpInfo>;

const HASHTAG = /#([\p{L}\p{N}_]+)/gu;

/** Hashtags from the caption, then the post's tags, without `#` and without repeats. */
export function hashtagsOf(caption: string | undefined, tags: readonly string[] = []): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  const fromCaption = [...(caption ?? "").matchAll(HASHTAG)].map((m) => m[1]!);
  for (const tag of [...fromCaption, ...tags.map((t) => t.trim().replace(/^#/, ""))]) {
    if (!tag || seen.has(tag.toLowerCase())) continue;
    seen.add(tag.toLowerCase());
    out.push(tag);
  }
  return out;
}

/**
 * A photo post: nothing in it has a picture stream. TikTok photo posts and the local host's
 * slideshows come through yt-dlp as audio-only entries whose thumbnails are the slides.
 */
export function isSlideshowInfo(info: YtDlpInfo): boolean {
  if (info.vcodec === "none") return true;
  const formats = info.formats ?? [];
  return formats.length > 0 && formats.every((f) => f.vcodec === "none");
}

/** Bytes yt-dlp expects to download, when the site said. */
export function expectedBytes(info: YtDlpInfo): number | undefined {
  const parts = info.requested_formats ?? [];
  if (parts.length > 0) {
    const sizes = parts.map((f) => f.filesize ?? f.filesize_approx);
    return sizes.every((s) => typeof s === "number") ? sizes.reduce<number>((a, b) => a + b!, 0) : undefined;
  }
  return info.filesize ?? info.filesize_approx ?? undefined;
}

function isoDate(yyyymmdd: string | null | undefined): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(yyyymmdd ?? "");
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

/** The metadata the pipeline keeps, from yt-dlp's info. */
export function toVideoMetadata(info: YtDlpInfo, requestedUrl: string): VideoMetadata {
  const caption = info.description ?? undefined;
  return {
    title: info.title ?? undefined,
    caption,
    uploader: info.uploader ?? info.channel ?? info.creator ?? info.uploader_id ?? undefined,
    durationSeconds: info.duration ?? undefined,
    thumbnailUrl: info.thumbnail ?? info.thumbnails?.at(-1)?.url ?? undefined,
    hashtags: hashtagsOf(caption, info.tags ?? []),
    uploadDate: isoDate(info.upload_date),
    webpageUrl: info.webpage_url ?? requestedUrl,
    isSlideshow: isSlideshowInfo(info),
  };
}

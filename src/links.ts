/**
 * Finds TikTok and Instagram post links in a chat message and rewrites each to one canonical
 * spelling, so the same post shared twice is recognised as the same. Pure: no I/O.
 *
 * The parser is an allow-list: a link is kept only when its host is one of the platforms' own
 * spellings (or a host the tests/demo configured) and its path is a known post shape. Everything
 * else (look-alike hosts, user-info tricks, ports, IP literals, other schemes, profiles) is dropped,
 * and the canonical URL always starts with `https://` (or `http://` for a configured local host), so
 * nothing a person typed can reach yt-dlp as an option.
 */

/** A supported post link, canonicalised. */
export interface VideoLink {
  platform: "tiktok" | "instagram";
  /** Canonical link: https, one host spelling per platform, no query or fragment. */
  url: string;
  /** The post id (TikTok) or shortcode (Instagram) when the link shows it; short links have none. */
  id?: string;
  /** What the link says it is; `short` links are resolved by yt-dlp. */
  kind?: "video" | "photo" | "short" | "reel" | "post";
  /** Stable identity of the post for de-duplication: `tiktok:<id>`, `instagram:<code>`, or the short code. */
  key: string;
}

/** Options of {@link parseVideoLinks}. */
export interface LinkOptions {
  /** hosts like "127.0.0.1:43567" that tests/demo let stand in for TikTok; off by default */
  extraAllowedHosts?: string[];
}

/** Links longer than this are refused outright (browsers and TikTok/Instagram never need more). */
export const MAX_LINK_LENGTH = 2048;

type Shape = Omit<VideoLink, "url" | "key"> & { path: string; key: string };
type PathReader = (path: string) => Shape | undefined;

const TIKTOK_HOST = "www.tiktok.com";
const INSTAGRAM_HOST = "www.instagram.com";

const TIKTOK_USER = "[A-Za-z0-9_.]{0,32}";
const TIKTOK_ID = "\\d{6,24}";
const SHORT_CODE = "[A-Za-z0-9]{4,20}";
const IG_CODE = "[A-Za-z0-9_-]{5,64}";
const IG_USER = "[A-Za-z0-9._]{1,30}";

/** Post paths on www./m./bare tiktok.com (and on configured stand-in hosts). */
function readTiktokPath(path: string): Shape | undefined {
  let m = new RegExp(`^/@(${TIKTOK_USER})/(video|photo)/(${TIKTOK_ID})/?$`).exec(path);
  if (m) {
    const [, user, kind, id] = m as unknown as [string, string, "video" | "photo", string];
    return { platform: "tiktok", kind, id, key: `tiktok:${id}`, path: `/@${user.toLowerCase()}/${kind}/${id}` };
  }
  m = new RegExp(`^/(?:v/(${TIKTOK_ID})(?:\\.html)?|embed/(?:v2/)?(${TIKTOK_ID})|share/video/(${TIKTOK_ID}))/?$`).exec(path);
  if (m) {
    const id = (m[1] ?? m[2] ?? m[3])!;
    // No user in these legacy shapes; TikTok and yt-dlp accept an empty one.
    return { platform: "tiktok", kind: "video", id, key: `tiktok:${id}`, path: `/@/video/${id}` };
  }
  m = new RegExp(`^/t/(${SHORT_CODE})/?$`).exec(path);
  if (m) return { platform: "tiktok", kind: "short", key: `tiktok:t:${m[1]}`, path: `/t/${m[1]}/` };
  return undefined;
}

/** vm.tiktok.com / vt.tiktok.com short links: kept as short links, yt-dlp follows the redirect. */
function readTiktokShortPath(host: string): PathReader {
  return (path) => {
    const m = new RegExp(`^/(${SHORT_CODE})/?$`).exec(path);
    if (!m) return undefined;
    return { platform: "tiktok", kind: "short", key: `tiktok:${host}:${m[1]}`, path: `/${m[1]}/` };
  };
}

const IG_KIND: Record<string, "reel" | "post" | "video"> = { p: "post", reel: "reel", reels: "reel", tv: "video" };

/** Post paths on instagram.com / instagr.am. One shortcode space: /p/, /reel/ and /tv/ name the same post. */
function readInstagramPath(path: string): Shape | undefined {
  let m = new RegExp(`^/(?:${IG_USER}/)?(p|reels?|tv)/(${IG_CODE})/?$`).exec(path);
  if (m && !/^\/(?:share|stories|explore|accounts)\//.test(path)) {
    const [, section, code] = m as unknown as [string, string, string];
    return { platform: "instagram", kind: IG_KIND[section], id: code, key: `instagram:${code}`, path: `/p/${code}/` };
  }
  m = new RegExp(`^/share/(reel|p)/(${IG_CODE})/?$`).exec(path);
  if (m) {
    const [, section, token] = m as unknown as [string, string, string];
    // A share token is not a shortcode; Instagram redirects it to the post.
    return { platform: "instagram", kind: IG_KIND[section], key: `instagram:share:${token}`, path: `/share/${section}/${token}/` };
  }
  return undefined;
}

/** Each accepted host spelling, what it reads, and the one spelling the canonical URL uses. */
const HOSTS: Record<string, { read: PathReader; canonicalHost: string }> = {
  "www.tiktok.com": { read: readTiktokPath, canonicalHost: TIKTOK_HOST },
  "tiktok.com": { read: readTiktokPath, canonicalHost: TIKTOK_HOST },
  "m.tiktok.com": { read: readTiktokPath, canonicalHost: TIKTOK_HOST },
  "vm.tiktok.com": { read: readTiktokShortPath("vm"), canonicalHost: "vm.tiktok.com" },
  "vt.tiktok.com": { read: readTiktokShortPath("vt"), canonicalHost: "vt.tiktok.com" },
  "www.instagram.com": { read: readInstagramPath, canonicalHost: INSTAGRAM_HOST },
  "instagram.com": { read: readInstagramPath, canonicalHost: INSTAGRAM_HOST },
  "m.instagram.com": { read: readInstagramPath, canonicalHost: INSTAGRAM_HOST },
  "instagr.am": { read: readInstagramPath, canonicalHost: INSTAGRAM_HOST },
  "www.instagr.am": { read: readInstagramPath, canonicalHost: INSTAGRAM_HOST },
};

/**
 * Where a link may start: not glued to a letter, digit or URL character of any script (that is how
 * `https://evil.com/?u=https://tiktok.com/...` and `www.evilіtiktok.com` hide a real-looking host),
 * but emoji, brackets and quotes are fine. Then an optional scheme and ASCII URL characters.
 */
const CANDIDATE =
  /(?<![\p{L}\p{N}\p{M}\-._~%!$&*+,;=:@/?#\\])(?:([A-Za-z][A-Za-z0-9+.-]*):\/\/)?([A-Za-z0-9][A-Za-z0-9\-._~%!$&*+,;=:@/?#]*)/gu;

/** Trailing characters that end a sentence rather than a URL. */
const SENTENCE_PUNCTUATION = ".,;:!?";

/** `rest` without the punctuation that ends the sentence. A loop, not `/[.,;:!?]+$/`: that regex is quadratic on a long run of dots. */
function withoutTrailingPunctuation(rest: string): string {
  let end = rest.length;
  while (end > 0 && SENTENCE_PUNCTUATION.includes(rest[end - 1]!)) end--;
  return rest.slice(0, end);
}

/**
 * Any http(s) link or `host.name/path` at all, to tell "unsupported link" from "no link".
 * Linear: only a `x.` start begins work, and each scans one word run (`\b[\w-]+(\.[\w-]+)+\/` took seconds on `a-a-a-…`).
 */
const ANY_LINK = /https?:\/\/\S|[\w-]\.[\w-]+\//i;

/**
 * Whether `text` holds something that looks like a link, supported or not. Runs in linear time on any input.
 * @example containsAnyLink("see example.com/x") // true
 */
export function containsAnyLink(text: string): boolean {
  return ANY_LINK.test(text);
}

/** Splits `host/path?query#fragment` into its parts; undefined when the authority is not a plain host. */
function splitLocation(rest: string): { authority: string; path: string } | undefined {
  const end = rest.search(/[/?#]/);
  const authority = (end < 0 ? rest : rest.slice(0, end)).toLowerCase();
  const afterAuthority = end < 0 ? "" : rest.slice(end);
  const path = afterAuthority.split(/[?#]/, 1)[0] || "/";
  return { authority, path };
}

function readCandidate(scheme: string | undefined, rest: string, extraHosts: Set<string>): VideoLink | undefined {
  const { authority, path } = splitLocation(rest)!;
  const lowerScheme = scheme?.toLowerCase();
  if (lowerScheme !== undefined && lowerScheme !== "https" && lowerScheme !== "http") return undefined;
  if (path.includes("%") || path.includes("//")) return undefined;
  if (extraHosts.has(authority)) {
    // A configured stand-in speaks TikTok's paths; it keeps its own scheme and port.
    const shape = readTiktokPath(path);
    return shape && toLink(shape, `${lowerScheme ?? "http"}://${authority}`);
  }
  // Plain DNS names only: no user-info, no port, no IP literal, no trailing dot.
  if (!/^[a-z0-9.-]+$/.test(authority)) return undefined;
  const host = HOSTS[authority];
  const shape = host?.read(path);
  return shape && toLink(shape, `https://${host!.canonicalHost}`);
}

function toLink(shape: Shape, origin: string): VideoLink {
  const { path, ...rest } = shape;
  return { ...rest, url: `${origin}${path}` };
}

/**
 * Every supported TikTok / Instagram post link in `text`, canonicalised, in order, without repeats
 * of the same post.
 * @example parseVideoLinks("look 👉 https://vm.tiktok.com/ZMabc123/!") // [{ platform: "tiktok", kind: "short", url: "https://vm.tiktok.com/ZMabc123/", ... }]
 */
export function parseVideoLinks(text: string, options: LinkOptions = {}): VideoLink[] {
  const extraHosts = new Set((options.extraAllowedHosts ?? []).map((h) => h.trim().toLowerCase()).filter(Boolean));
  const seen = new Set<string>();
  const links: VideoLink[] = [];
  for (const match of text.matchAll(CANDIDATE)) {
    if (match[0].length > MAX_LINK_LENGTH) continue;
    const rest = withoutTrailingPunctuation(match[2]!);
    const link = readCandidate(match[1], rest, extraHosts);
    if (!link || seen.has(link.key)) continue;
    seen.add(link.key);
    links.push(link);
  }
  return links;
}

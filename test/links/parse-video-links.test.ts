import { describe, expect, it } from "vitest";
import { MAX_LINK_LENGTH, parseVideoLinks } from "../../src/links.ts";

const ID = "7234567890123456789";

/** [what a person pasted, canonical URL, id, kind] */
const realShapes: [string, string, string | undefined, string][] = [
  // TikTok videos, every host spelling, with and without tracking parameters
  [`https://www.tiktok.com/@chef.anna/video/${ID}`, `https://www.tiktok.com/@chef.anna/video/${ID}`, ID, "video"],
  [`https://www.tiktok.com/@Chef_Anna/video/${ID}?is_from_webapp=1&sender_device=pc`, `https://www.tiktok.com/@chef_anna/video/${ID}`, ID, "video"],
  [`https://tiktok.com/@chef.anna/video/${ID}`, `https://www.tiktok.com/@chef.anna/video/${ID}`, ID, "video"],
  [`https://m.tiktok.com/@chef.anna/video/${ID}`, `https://www.tiktok.com/@chef.anna/video/${ID}`, ID, "video"],
  [`http://www.tiktok.com/@chef.anna/video/${ID}`, `https://www.tiktok.com/@chef.anna/video/${ID}`, ID, "video"],
  [`HTTPS://WWW.TIKTOK.COM/@chef.anna/video/${ID}`, `https://www.tiktok.com/@chef.anna/video/${ID}`, ID, "video"],
  [`www.tiktok.com/@chef.anna/video/${ID}`, `https://www.tiktok.com/@chef.anna/video/${ID}`, ID, "video"],
  [`tiktok.com/@chef.anna/video/${ID}/`, `https://www.tiktok.com/@chef.anna/video/${ID}`, ID, "video"],
  [`https://www.tiktok.com/@chef.anna/video/${ID}/?lang=en`, `https://www.tiktok.com/@chef.anna/video/${ID}`, ID, "video"],
  [`https://www.tiktok.com/@chef.anna/video/${ID}?_r=1&_t=8kLmNoPqRsT`, `https://www.tiktok.com/@chef.anna/video/${ID}`, ID, "video"],
  [`https://www.tiktok.com/@chef.anna/video/${ID}?utm_source=copy&utm_medium=android&utm_campaign=client_share`, `https://www.tiktok.com/@chef.anna/video/${ID}`, ID, "video"],
  [`https://www.tiktok.com/@chef.anna/video/${ID}#comments`, `https://www.tiktok.com/@chef.anna/video/${ID}`, ID, "video"],
  [`https://www.tiktok.com/@_/video/${ID}`, `https://www.tiktok.com/@_/video/${ID}`, ID, "video"],
  [`https://www.tiktok.com/@/video/${ID}`, `https://www.tiktok.com/@/video/${ID}`, ID, "video"],
  // TikTok photo (slideshow) posts
  [`https://www.tiktok.com/@travel.snaps/photo/${ID}`, `https://www.tiktok.com/@travel.snaps/photo/${ID}`, ID, "photo"],
  [`https://www.tiktok.com/@travel.snaps/photo/${ID}?is_from_webapp=1&sender_device=pc&web_id=7311`, `https://www.tiktok.com/@travel.snaps/photo/${ID}`, ID, "photo"],
  [`https://m.tiktok.com/@travel.snaps/photo/${ID}/`, `https://www.tiktok.com/@travel.snaps/photo/${ID}`, ID, "photo"],
  // Legacy and embed shapes
  [`https://m.tiktok.com/v/${ID}.html`, `https://www.tiktok.com/@/video/${ID}`, ID, "video"],
  [`https://m.tiktok.com/v/${ID}.html?u_code=abc&preview_pb=0&language=en`, `https://www.tiktok.com/@/video/${ID}`, ID, "video"],
  [`https://www.tiktok.com/v/${ID}`, `https://www.tiktok.com/@/video/${ID}`, ID, "video"],
  [`https://www.tiktok.com/embed/v2/${ID}`, `https://www.tiktok.com/@/video/${ID}`, ID, "video"],
  [`https://www.tiktok.com/embed/${ID}`, `https://www.tiktok.com/@/video/${ID}`, ID, "video"],
  [`https://www.tiktok.com/share/video/${ID}`, `https://www.tiktok.com/@/video/${ID}`, ID, "video"],
  // TikTok short links stay short links
  ["https://vm.tiktok.com/ZMhvqjqjw/", "https://vm.tiktok.com/ZMhvqjqjw/", undefined, "short"],
  ["https://vm.tiktok.com/ZMhvqjqjw", "https://vm.tiktok.com/ZMhvqjqjw/", undefined, "short"],
  ["vm.tiktok.com/ZMhvqjqjw/", "https://vm.tiktok.com/ZMhvqjqjw/", undefined, "short"],
  ["https://vt.tiktok.com/ZSRp8yXyz/", "https://vt.tiktok.com/ZSRp8yXyz/", undefined, "short"],
  ["https://www.tiktok.com/t/ZTRvKx9Lp/", "https://www.tiktok.com/t/ZTRvKx9Lp/", undefined, "short"],
  ["https://tiktok.com/t/ZTRvKx9Lp", "https://www.tiktok.com/t/ZTRvKx9Lp/", undefined, "short"],
  ["https://vm.tiktok.com/ZMhvqjqjw/?k=1", "https://vm.tiktok.com/ZMhvqjqjw/", undefined, "short"],
  // Instagram reels, posts, tv, every host spelling
  ["https://www.instagram.com/reel/C1a2B3c4D5e/", "https://www.instagram.com/p/C1a2B3c4D5e/", "C1a2B3c4D5e", "reel"],
  ["https://www.instagram.com/reel/C1a2B3c4D5e/?igsh=MWQ1ZGUxMzBkMA==", "https://www.instagram.com/p/C1a2B3c4D5e/", "C1a2B3c4D5e", "reel"],
  ["https://www.instagram.com/reel/C1a2B3c4D5e/?utm_source=ig_web_copy_link&igshid=MzRlODBiNWFlZA==", "https://www.instagram.com/p/C1a2B3c4D5e/", "C1a2B3c4D5e", "reel"],
  ["https://instagram.com/reel/C1a2B3c4D5e", "https://www.instagram.com/p/C1a2B3c4D5e/", "C1a2B3c4D5e", "reel"],
  ["https://m.instagram.com/reel/C1a2B3c4D5e/", "https://www.instagram.com/p/C1a2B3c4D5e/", "C1a2B3c4D5e", "reel"],
  ["https://www.instagram.com/reels/C1a2B3c4D5e/", "https://www.instagram.com/p/C1a2B3c4D5e/", "C1a2B3c4D5e", "reel"],
  ["https://www.instagram.com/p/CxY-z_0AbCd/", "https://www.instagram.com/p/CxY-z_0AbCd/", "CxY-z_0AbCd", "post"],
  ["https://www.instagram.com/p/CxY-z_0AbCd/?img_index=3", "https://www.instagram.com/p/CxY-z_0AbCd/", "CxY-z_0AbCd", "post"],
  ["https://instagr.am/p/CxY-z_0AbCd/", "https://www.instagram.com/p/CxY-z_0AbCd/", "CxY-z_0AbCd", "post"],
  ["http://instagr.am/p/CxY-z_0AbCd", "https://www.instagram.com/p/CxY-z_0AbCd/", "CxY-z_0AbCd", "post"],
  ["https://www.instagram.com/tv/B8gXyZaHjKl/", "https://www.instagram.com/p/B8gXyZaHjKl/", "B8gXyZaHjKl", "video"],
  ["https://www.instagram.com/natgeo/reel/C1a2B3c4D5e/", "https://www.instagram.com/p/C1a2B3c4D5e/", "C1a2B3c4D5e", "reel"],
  ["https://www.instagram.com/nat.geo_travel/p/CxY-z_0AbCd/", "https://www.instagram.com/p/CxY-z_0AbCd/", "CxY-z_0AbCd", "post"],
  ["instagram.com/reel/C1a2B3c4D5e/", "https://www.instagram.com/p/C1a2B3c4D5e/", "C1a2B3c4D5e", "reel"],
  ["https://www.instagram.com/share/reel/BAHxRzQ9mK/", "https://www.instagram.com/share/reel/BAHxRzQ9mK/", undefined, "reel"],
  ["https://www.instagram.com/share/p/BAHxRzQ9mK", "https://www.instagram.com/share/p/BAHxRzQ9mK/", undefined, "post"],
];

/** Texts that must yield no link at all. */
const hostile: [string, string][] = [
  ["other site", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"],
  ["look-alike suffix host", `https://tiktok.com.evil.io/@a/video/${ID}`],
  ["look-alike prefix host", `https://eviltiktok.com/@a/video/${ID}`],
  ["look-alike instagram", "https://instagram.com.co/reel/C1a2B3c4D5e/"],
  ["punycode look-alike", `https://www.xn--tktok-3ve.com/@a/video/${ID}`],
  ["unicode look-alike", `https://www.tіktok.com/@a/video/${ID}`],
  ["look-alike glued to a real host", `https://www.evilіtiktok.com/@a/video/${ID}`],
  ["user-info trick", `https://www.tiktok.com@evil.com/@a/video/${ID}`],
  ["user-info before real host", `https://evil.com@www.tiktok.com/@a/video/${ID}`],
  ["IP literal", `http://142.250.74.14/@a/video/${ID}`],
  ["IPv6 literal", `http://[::1]/@a/video/${ID}`],
  ["explicit port", `https://www.tiktok.com:8443/@a/video/${ID}`],
  ["ftp scheme", `ftp://www.tiktok.com/@a/video/${ID}`],
  ["javascript scheme", `javascript:alert(1)//www.tiktok.com/@a/video/${ID}`],
  ["file scheme", `file://www.tiktok.com/@a/video/${ID}`],
  ["protocol-relative", `//www.tiktok.com/@a/video/${ID}`],
  ["tiktok profile", "https://www.tiktok.com/@chef.anna"],
  ["tiktok live", "https://www.tiktok.com/@chef.anna/live"],
  ["tiktok login", "https://www.tiktok.com/login?redirect_url=https%3A%2F%2Fwww.tiktok.com%2F"],
  ["instagram profile", "https://www.instagram.com/natgeo/"],
  ["instagram login carrying a post", "https://www.instagram.com/accounts/login/?next=/reel/C1a2B3c4D5e/"],
  ["instagram story", "https://www.instagram.com/stories/natgeo/3214567890123456789/"],
  ["post link inside another site's query", `https://evil.com/?u=https://www.tiktok.com/@a/video/${ID}`],
  ["option-looking text", `--exec=rm -rf / https://www.tiktok.com/@a/video/--output`],
  ["encoded path", `https://www.tiktok.com/%40a/video/${ID}`],
  ["trailing-dot host", `https://www.tiktok.com./@a/video/${ID}`],
  ["over-long link", `https://www.tiktok.com/@${"a".repeat(MAX_LINK_LENGTH)}/video/${ID}`],
  ["non-numeric id", "https://www.tiktok.com/@a/video/abc123"],
  ["configured host is off by default", `http://127.0.0.1:43567/@demo/video/${ID}`],
];

describe("parseVideoLinks", () => {
  it.each(realShapes)("accepts %s", (input, url, id, kind) => {
    const links = parseVideoLinks(input);
    expect(links).toHaveLength(1);
    expect(links[0]).toMatchObject({ url, kind, platform: url.includes("instagram") ? "instagram" : "tiktok" });
    expect(links[0]!.id).toBe(id);
  });

  it.each(hostile)("refuses %s", (_name, input) => {
    expect(parseVideoLinks(input)).toEqual([]);
  });

  it("has at least 40 real shapes and 15 hostile ones", () => {
    expect(realShapes.length).toBeGreaterThanOrEqual(40);
    expect(hostile.length).toBeGreaterThanOrEqual(15);
  });

  it("finds every link in a shared caption, in order, through emoji, brackets and a full stop", () => {
    const text =
      `Saw this 🔥🔥(https://vm.tiktok.com/ZMhvqjqjw/) and this one: ` +
      `«https://www.instagram.com/reel/C1a2B3c4D5e/?igsh=abc». #cooking #pasta\n` +
      `Also👉https://www.tiktok.com/@chef.anna/video/${ID}?is_from_webapp=1.`;
    expect(parseVideoLinks(text).map((l) => l.url)).toEqual([
      "https://vm.tiktok.com/ZMhvqjqjw/",
      "https://www.instagram.com/p/C1a2B3c4D5e/",
      `https://www.tiktok.com/@chef.anna/video/${ID}`,
    ]);
  });

  it("drops repeats of the same post shared in different spellings", () => {
    const text = [
      `https://www.tiktok.com/@chef.anna/video/${ID}?_r=1`,
      `https://m.tiktok.com/v/${ID}.html`,
      "https://www.instagram.com/reel/C1a2B3c4D5e/",
      "https://instagr.am/p/C1a2B3c4D5e",
      `tiktok.com/@CHEF.ANNA/video/${ID}#x`,
    ].join(" ");
    const links = parseVideoLinks(text);
    expect(links.map((l) => l.key)).toEqual([`tiktok:${ID}`, "instagram:C1a2B3c4D5e"]);
  });

  it("keeps a refused link from hiding a real one in the same message", () => {
    const text = `https://tiktok.com.evil.io/@a/video/1 then https://vt.tiktok.com/ZSRp8yXyz/`;
    expect(parseVideoLinks(text).map((l) => l.url)).toEqual(["https://vt.tiktok.com/ZSRp8yXyz/"]);
  });

  it("lets a configured local host stand in for TikTok, keeping its scheme and port", () => {
    const options = { extraAllowedHosts: ["127.0.0.1:43567"] };
    expect(parseVideoLinks(`see http://127.0.0.1:43567/@demo/photo/${ID}?x=1.`, options)).toEqual([
      { platform: "tiktok", kind: "photo", id: ID, key: `tiktok:${ID}`, url: `http://127.0.0.1:43567/@demo/photo/${ID}` },
    ]);
    expect(parseVideoLinks(`http://127.0.0.1:43568/@demo/video/${ID}`, options)).toEqual([]);
  });

  it("never yields a URL that could be read as a command-line option", () => {
    const everything = [...realShapes.map((r) => r[0]), ...hostile.map((h) => h[1])].join("\n-");
    for (const link of parseVideoLinks(everything)) expect(link.url).toMatch(/^https:\/\//);
  });
});

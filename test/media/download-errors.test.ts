import { describe, expect, it } from "vitest";
import { TransientError, UserFacingError } from "../../src/errors.ts";
import { downloadErrorFrom } from "../../src/media/index.ts";

const limits = { maxVideoBytes: 200 * 1024 * 1024, maxVideoSeconds: 600 };

/** Messages yt-dlp prints for TikTok, Instagram and generic pages, and what a person is told. */
const cases: [string, string][] = [
  ["ERROR: [TikTok] 7234567890123456789: This video is private", "video_private"],
  ["ERROR: [Instagram] C1a2B3c4D5e: This account is private", "video_private"],
  ["ERROR: [TikTok] 7234567890123456789: Video not available, status code 10204", "video_removed"],
  ["ERROR: [generic] None: Unable to download webpage: HTTP Error 404: Not Found (caused by <HTTPError 404: 'Not Found'>); please report this issue on  https://github.com/yt-dlp/yt-dlp/issues", "video_removed"],
  ["ERROR: [Instagram] C1a2B3c4D5e: Requested content is not available, rate-limit reached or login required. Use --cookies, --cookies-from-browser, --username and --password, --netrc-cmd, or --netrc (instagram) to provide account credentials", "login_required"],
  ["ERROR: [TikTok] 7234567890123456789: This post may not be comfortable for some audiences. Log in for access. Use --cookies", "login_required"],
  ["ERROR: [TikTok] 7234567890123456789: The uploader has not made this video available in your country", "region_blocked"],
  ["ERROR: [TikTok] 7234567890123456789: Video not available in your region (geo restricted)", "region_blocked"],
  ["ERROR: Unsupported URL: https://www.tiktok.com/@a/photo/7234567890123456789", "unsupported_link"],
  ["ERROR: [generic] None: Unable to download webpage: <urlopen error [Errno 111] Connection refused> (caused by URLError(ConnectionRefusedError(111, 'Connection refused')))", "network"],
  ["ERROR: [TikTok] 7234567890123456789: Unable to download webpage: <urlopen error [Errno -3] Temporary failure in name resolution>", "network"],
  ["ERROR: timed out", "timeout"],
  ["ERROR: [generic] None: Unable to download webpage: HTTP Error 503: Service Unavailable", "server_error"],
  ["ERROR: [Instagram] C1a2B3c4D5e: HTTP Error 429: Too Many Requests", "rate_limited"],
  ["[download] File is larger than max-filesize (209715300 bytes > 209715200 bytes). Aborting.", "video_too_large"],
  ["ERROR: something nobody has seen before", "download_failed"],
];

describe("downloadErrorFrom", () => {
  it.each(cases)("maps %s to %s", (output, kind) => {
    const error = downloadErrorFrom(`[generic] Extracting URL\n${output}\n`, limits);
    expect(error).toMatchObject({ kind });
    expect(error instanceof UserFacingError || error instanceof TransientError).toBe(true);
  });

  it("gives every user-facing failure a plain sentence without yt-dlp's jargon", () => {
    for (const [output] of cases) {
      const error = downloadErrorFrom(output, limits);
      if (!(error instanceof UserFacingError)) continue;
      expect(error.userMessage).toMatch(/^[A-Z].*\.$/);
      expect(error.userMessage).not.toMatch(/yt-dlp|ERROR|HTTP|--/);
    }
  });

  it("names the limits in the size and length sentences", () => {
    expect(downloadErrorFrom("File is larger than max-filesize", limits)).toMatchObject({
      userMessage: "This video is bigger than 200 MB, the largest I can save.",
    });
  });
});

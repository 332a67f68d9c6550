import { execFileSync } from "node:child_process";
import { chmod, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TransientError, UserFacingError } from "../../src/errors.ts";
import { makeCaptionedClip, makeCorruptFile, makeLongClip } from "../fixtures/media.ts";
import { type MediaBench, openMediaBench } from "./setup.ts";

let bench: MediaBench;

beforeAll(async () => {
  bench = await openMediaBench();
  await makeLongClip(bench.fixtures, { seconds: 45 });
  await makeCorruptFile(bench.fixtures);
  // Claims 1 kB on its page, like a site whose metadata lies: only the download itself can catch it.
  await makeCaptionedClip(bench.fixtures, { name: "lying", seconds: 4, captions: ["Big"], post: { contentSize: 1000 } });
});

afterAll(async () => {
  await bench.close();
});

/** Runs a download that must fail, returns the error, and checks the work folder was emptied of media. */
async function failedDownload(url: string, overrides: Parameters<MediaBench["tools"]>[0] = {}, signal?: AbortSignal) {
  const tools = bench.tools(overrides);
  const dir = await tools.createWorkDir("job-fail");
  try {
    const error = await tools.download(url, dir, signal).then(
      () => undefined,
      (e: unknown) => e,
    );
    return { error, files: await readdir(dir) };
  } finally {
    await tools.removeWorkDir(dir);
  }
}

function ytDlpProcessesFor(text: string): string[] {
  const out = execFileSync("ps", ["-eo", "pid,args"], { encoding: "utf8" });
  return out.split("\n").filter((line) => line.includes(text) && !line.includes("ps -eo"));
}

describe("download refusals and failures", () => {
  it("refuses a video over the length limit before downloading it", async () => {
    const { error, files } = await failedDownload(bench.host.postUrl("long"), { maxVideoSeconds: 30 });
    expect(error).toBeInstanceOf(UserFacingError);
    expect(error).toMatchObject({ kind: "video_too_long", userMessage: "This video is longer than 30 seconds, the longest I can save." });
    expect(files.filter((f) => f.startsWith("media."))).toEqual([]);
    expect(bench.host.requests.some((r) => r.path === "/media/long.mp4")).toBe(false);
  });

  it("refuses a video whose page declares it over the size limit, before downloading it", async () => {
    const { error } = await failedDownload(bench.host.postUrl("long"), { maxVideoBytes: 50_000 });
    expect(error).toMatchObject({ kind: "video_too_large" });
  });

  it("stops a download that turns out bigger than the size limit", async () => {
    const { error, files } = await failedDownload(bench.host.postUrl("lying"), { maxVideoBytes: 8_000 });
    expect(error).toMatchObject({ kind: "video_too_large", userMessage: expect.stringContaining("MB") });
    expect(files.filter((f) => f.startsWith("media."))).toEqual([]);
  });

  it("stops a download of unknown size as it crosses the size limit, not at the end of the stream", async () => {
    // The host sends 4 MB chunked and then waits: only a download stopped at the limit ends here as too large.
    const { error, files } = await failedDownload(bench.host.unsizedUrl, { maxVideoBytes: 1024 * 1024, downloadTimeoutMs: 120_000 });
    expect(error).toMatchObject({ kind: "video_too_large" });
    expect(files.filter((f) => f.startsWith("media."))).toEqual([]);
    await expect.poll(() => bench.host.unsized.hungUp).toBe(true);
  });

  it("calls a truncated file unreadable", async () => {
    const { error } = await failedDownload(bench.host.postUrl("corrupt"));
    expect(error).toMatchObject({ kind: "video_unreadable" });
  });

  it("calls a missing post removed", async () => {
    const { error } = await failedDownload(bench.host.missingUrl);
    expect(error).toMatchObject({ kind: "video_removed" });
  });

  it.each([
    [401, "user-facing", "login_required"],
    [410, "user-facing", "video_removed"],
    [429, "transient", "rate_limited"],
    [503, "transient", "server_error"],
  ] as const)("maps an HTTP %i from the site to a %s %s", async (status, type, kind) => {
    const { error } = await failedDownload(bench.host.statusUrl(status));
    expect(error).toBeInstanceOf(type === "transient" ? TransientError : UserFacingError);
    expect(error).toMatchObject({ kind });
  });

  it("treats a refused connection as a network failure worth retrying", async () => {
    const config = { extraAllowedHosts: [`127.0.0.1:1`] };
    const { error } = await failedDownload(`http://127.0.0.1:1/@x/video/7000000000000000123`, config);
    expect(error).toBeInstanceOf(TransientError);
    expect(error).toMatchObject({ kind: "network" });
  });

  it("gives up on a stalled page at the socket timeout as a transient timeout", async () => {
    const { error } = await failedDownload(bench.host.stallUrl, { downloadTimeoutMs: 15_000 });
    expect(error).toBeInstanceOf(TransientError);
    expect(error).toMatchObject({ kind: "timeout" });
  });

  it("kills yt-dlp's whole process tree at the hard timeout", async () => {
    const marker = bench.host.stallUrl;
    const { error } = await failedDownload(marker, { downloadTimeoutMs: 1500 });
    expect(error).toBeInstanceOf(TransientError);
    expect(error).toMatchObject({ kind: "timeout", message: expect.stringContaining("too long") });
    expect(ytDlpProcessesFor(marker)).toEqual([]);
  });

  it("stops when the caller aborts, with the caller's reason", async () => {
    const controller = new AbortController();
    const reason = new Error("shutting down");
    // Aborted once yt-dlp is surely running: its request for the page has arrived.
    const hold = bench.host.hold((req) => bench.host.stallUrl.endsWith(req.path));
    const download = failedDownload(bench.host.stallUrl, { downloadTimeoutMs: 60_000 }, controller.signal);
    await hold.arrived;
    controller.abort(reason);
    const { error } = await download.finally(() => hold.release());
    expect(error).toBe(reason);
    expect(ytDlpProcessesFor(bench.host.stallUrl)).toEqual([]);
  });

  it.each([
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    "--exec=touch /tmp/pwned",
    "http://127.0.0.1:9/@a/video/7000000000000000123",
  ])("refuses %s without running yt-dlp", async (url) => {
    const before = bench.host.requests.length;
    const { error } = await failedDownload(url);
    expect(error).toMatchObject({ kind: "unsupported_link" });
    expect(bench.host.requests.length).toBe(before);
  });

  it("lets yt-dlp use only the TikTok and Instagram extractors for real posts, and generic only for the stand-in host", async () => {
    // A wrapper that notes the arguments of each run, then fails as an unreachable site would.
    const argsFile = path.join(bench.fixtures, "yt-dlp-args.log");
    const wrapper = path.join(bench.fixtures, "yt-dlp-args");
    await writeFile(wrapper, `#!/bin/sh\nprintf '%s\\n' "$@" > '${argsFile}'\necho 'ERROR: Unable to download webpage: <urlopen error [Errno -3]>' >&2\nexit 1\n`);
    await chmod(wrapper, 0o755);
    const extractorsOf = async () => {
      const args = (await readFile(argsFile, "utf8")).split("\n");
      return args[args.indexOf("--use-extractors") + 1];
    };
    await failedDownload("https://www.tiktok.com/@chef/video/7234567890123456789", { ytDlpPath: wrapper });
    expect(await extractorsOf()).toBe("TikTok,vm.tiktok,Instagram");
    await failedDownload("https://www.instagram.com/reel/Cabc123xyz/", { ytDlpPath: wrapper });
    expect(await extractorsOf()).toBe("TikTok,vm.tiktok,Instagram");
    await failedDownload(bench.host.postUrl("lying"), { ytDlpPath: wrapper });
    expect(await extractorsOf()).toBe("generic");
  });

  it("runs yt-dlp once per post: page, limits and media in one run", async () => {
    // A wrapper in front of the real yt-dlp that notes each start.
    const starts = path.join(bench.fixtures, "yt-dlp-starts.log");
    const wrapper = path.join(bench.fixtures, "yt-dlp-counting");
    await writeFile(wrapper, `#!/bin/sh\necho started >> '${starts}'\nexec /usr/bin/yt-dlp "$@"\n`);
    await chmod(wrapper, 0o755);
    const tools = bench.tools({ ytDlpPath: wrapper });
    const dir = await tools.createWorkDir("job-once");
    try {
      const media = await tools.download(bench.host.postUrl("lying"), dir);
      expect(media.videoPath).toMatch(/media\.mp4$/);
      expect((await readFile(starts, "utf8")).trim().split("\n")).toEqual(["started"]);
      // A video post keeps no thumbnails (only a photo post's are its slides).
      expect((await readdir(dir)).filter((f) => f.startsWith("slide"))).toEqual([]);
    } finally {
      await tools.removeWorkDir(dir);
    }
  });

  it("leaves no work folder behind", async () => {
    expect(await bench.workDirsLeft()).toEqual([]);
  });
});

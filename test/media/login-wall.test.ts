import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../../src/config.ts";
import { createMediaTools } from "../../src/media/index.ts";
import { capturingLogger } from "../ai/log-capture.ts";
import { makeCaptionedClip } from "../fixtures/media.ts";
import { type MediaBench, openMediaBench } from "./setup.ts";

let bench: MediaBench;

beforeAll(async () => {
  bench = await openMediaBench();
  await makeCaptionedClip(bench.fixtures, { name: "walled", seconds: 3, captions: ["Members only"], post: { title: "Members only" } });
});
afterAll(async () => bench.close());
afterEach(() => {
  bench.host.loginCookie = undefined;
});

/** Downloads the walled post with `overrides`; the outcome and the warnings logged. */
async function download(overrides: Partial<Config["media"]> = {}) {
  const { log, lines } = capturingLogger();
  const tools = createMediaTools({ ...bench.config, ...overrides }, log, { workRoot: bench.workRoot });
  const dir = await tools.createWorkDir("job-wall");
  try {
    const outcome = await tools.download(bench.host.postUrl("walled"), dir).then(
      (media) => ({ media, error: undefined }),
      (error: unknown) => ({ media: undefined, error }),
    );
    return { ...outcome, warnings: lines.filter((l) => l.level === 40).map((l) => String(l.msg)) };
  } finally {
    await tools.removeWorkDir(dir);
  }
}

describe("yt-dlp behind a login wall and a proxy", () => {
  it("says the post needs a login, and tells the operator to set YT_DLP_COOKIES_FILE or YT_DLP_PROXY", async () => {
    bench.host.loginCookie = "sessionid=s3ss10n";
    const { error, warnings } = await download();
    expect(error).toMatchObject({ kind: "login_required" });
    expect(warnings).toEqual([expect.stringMatching(/set YT_DLP_COOKIES_FILE to a cookies\.txt .* or YT_DLP_PROXY/)]);
  });

  it("passes YT_DLP_COOKIES_FILE to yt-dlp, so a logged-in browser's cookies open the post", async () => {
    bench.host.loginCookie = "sessionid=s3ss10n";
    const cookies = path.join(bench.workRoot, "..", "cookies.txt");
    const domain = bench.host.host.split(":")[0];
    await writeFile(cookies, `# Netscape HTTP Cookie File\n${domain}\tFALSE\t/\tFALSE\t0\tsessionid\ts3ss10n\n`);
    const { media, error } = await download({ ytDlpCookiesFile: cookies });
    expect(error).toBeUndefined();
    expect(media?.metadata.title).toBe("Members only");
  });

  it("sends yt-dlp's requests through YT_DLP_PROXY", async () => {
    const before = bench.host.proxied.length;
    const { media, error } = await download({ ytDlpProxy: bench.host.url });
    expect(error).toBeUndefined();
    expect(media?.metadata.title).toBe("Members only");
    expect(bench.host.proxied.slice(before)).toContain(bench.host.postUrl("walled"));
  });
});

import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { startService } from "../../src/service.ts";
import { describeYtDlpVersion } from "../../src/media/download.ts";
import { capturingLogger } from "../ai/log-capture.ts";
import { openFreshDatabase } from "../harness/postgres.ts";
import { TEST_TOKEN_KEY } from "../harness/world.ts";

/** yt-dlp's version is read at start-up: an old release is a warning, and /ready and /metrics show it. */

let dir: string;
let database: Awaited<ReturnType<typeof openFreshDatabase>>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "reelnotes-ytdlp-version-"));
  database = await openFreshDatabase();
});

afterAll(async () => {
  await database?.cleanup();
  await rm(dir, { recursive: true, force: true });
});

/** A stand-in yt-dlp that only answers `--version` with `version`. */
async function fakeYtDlp(name: string, version: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, `#!/bin/sh\nif [ "$1" = "--version" ]; then echo "${version}"; exit 0; fi\nexit 2\n`);
  await chmod(file, 0o755);
  return file;
}

async function startWith(ytDlpPath: string) {
  const config = loadConfig({ PORT: "0", DATA_DIR: dir, DATABASE_URL: database.url, TOKEN_ENCRYPTION_KEY: TEST_TOKEN_KEY, YT_DLP_PATH: ytDlpPath, WORKER_ENABLED: "false" });
  const { log, lines } = capturingLogger();
  const service = await startService(config, log);
  try {
    const base = `http://127.0.0.1:${service.port}`;
    const ready = (await (await fetch(`${base}/ready`)).json()) as { details: { ytDlp: Record<string, unknown> } };
    const metrics = await (await fetch(`${base}/metrics`)).text();
    return { lines, ready, metrics };
  } finally {
    await service.close();
  }
}

const today = () => new Date().toISOString().slice(0, 10).replaceAll("-", ".");

describe("yt-dlp's version at start-up", () => {
  it("warns when the release is older than 90 days, and shows the version in /ready's details and /metrics", async () => {
    const { lines, ready, metrics } = await startWith(await fakeYtDlp("old-yt-dlp", "2024.01.01"));
    const warning = lines.find((l) => l.level === 40 && String(l.msg).startsWith("yt-dlp 2024.01.01 is"));
    expect(warning?.msg).toMatch(/days old \(over 90\): TikTok and Instagram break old releases/);
    expect(ready.details.ytDlp).toMatchObject({ version: "2024.01.01", released: "2024-01-01", stale: true });
    expect(metrics).toMatch(/^reelnotes_yt_dlp_info\{version="2024\.01\.01"\} 1$/m);
    expect(metrics).toMatch(/^reelnotes_yt_dlp_release_age_days\{version="2024\.01\.01"\} \d{3,}$/m);
  });

  it("does not warn about a current release, and still shows it", async () => {
    const version = today();
    const { lines, ready, metrics } = await startWith(await fakeYtDlp("new-yt-dlp", version));
    expect(lines.some((l) => l.level === 40 && String(l.msg).startsWith("yt-dlp "))).toBe(false);
    expect(ready.details.ytDlp).toMatchObject({ version, stale: false });
    expect(ready.details.ytDlp.ageDays).toBeLessThanOrEqual(1);
    expect(metrics).toContain(`reelnotes_yt_dlp_info{version="${version}"} 1`);
  });

  it("warns that links cannot be downloaded when YT_DLP_PATH names no working yt-dlp, and /ready says unknown", async () => {
    const { lines, ready } = await startWith(path.join(dir, "no-such-yt-dlp"));
    expect(lines.some((l) => l.level === 40 && String(l.msg).includes("could not read `yt-dlp --version`"))).toBe(true);
    expect(ready.details.ytDlp).toEqual({ version: "unknown" });
  });

  it.each([
    ["2025.10.22", "2026-01-20", 90, false],
    ["2025.10.22", "2026-01-21", 91, true],
    ["2025.10.22.232815", "2025-11-01", 10, false],
  ])("reads %s on %s as %i days old (stale: %s)", (version, on, ageDays, stale) => {
    expect(describeYtDlpVersion(version, new Date(`${on}T12:00:00Z`))).toMatchObject({ version, ageDays, stale });
  });

  it("keeps a version that is not a date, without calling it stale", () => {
    expect(describeYtDlpVersion("custom-build", new Date())).toEqual({ version: "custom-build", stale: false });
  });
});

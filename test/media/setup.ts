import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfig, type Config } from "../../src/config.ts";
import { createLogger } from "../../src/log.ts";
import { createMediaTools, type MediaToolOptions } from "../../src/media/index.ts";
import { startVideoHost, type VideoHost } from "../emulators/video-host.ts";

/** A temp folder for fixtures, a video host over it, and a work root; all removed by `close`. */
export interface MediaBench {
  fixtures: string;
  workRoot: string;
  host: VideoHost;
  config: Config["media"];
  tools(overrides?: Partial<Config["media"]>, options?: MediaToolOptions): ReturnType<typeof createMediaTools>;
  workDirsLeft(): Promise<string[]>;
  close(): Promise<void>;
}

/** Starts the bench used by the media tests. */
export async function openMediaBench(): Promise<MediaBench> {
  const base = await mkdtemp(path.join(tmpdir(), "reelnotes-media-test-"));
  const fixtures = path.join(base, "fixtures");
  const workRoot = path.join(base, "work");
  const host = await startVideoHost({ dir: fixtures });
  const config = loadConfig({ YT_DLP_PATH: "/usr/bin/yt-dlp", MEDIA_EXTRA_ALLOWED_HOSTS: host.host }).media;
  const log = createLogger({ logLevel: "silent", logPretty: false });
  return {
    fixtures,
    workRoot,
    host,
    config,
    tools: (overrides = {}, options = {}) => createMediaTools({ ...config, ...overrides }, log, { workRoot, ...options }),
    workDirsLeft: () => readdir(workRoot).catch(() => []),
    close: async () => {
      await host.stop();
      await rm(base, { recursive: true, force: true });
    },
  };
}

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.ts";
import { startService } from "../../src/service.ts";
import { capturingLogger } from "../ai/log-capture.ts";
import { startGeminiEmulator, type GeminiEmulator } from "../emulators/gemini.ts";

/** GEMINI_MODEL is checked with Gemini (models.get) when the service starts, not per video. */

let gemini: GeminiEmulator;
const dirs: string[] = [];

beforeAll(async () => {
  gemini = await startGeminiEmulator();
});

afterAll(async () => {
  await gemini.stop();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function start(env: Record<string, string>) {
  const dataDir = await mkdtemp(path.join(tmpdir(), "reelnotes-gemini-model-"));
  dirs.push(dataDir);
  const config = loadConfig({ PORT: "0", DATA_DIR: dataDir, GEMINI_API_KEY: gemini.apiKey, GEMINI_BASE_URL: gemini.url, ...env });
  const { log, lines } = capturingLogger();
  const started = startService(config, log).then(
    async (service) => {
      await service.close();
      return undefined;
    },
    (error: unknown) => error,
  );
  return { failure: await started, lines };
}

describe("GEMINI_MODEL at start-up", () => {
  it("refuses to start with a model Gemini does not serve (404 NOT_FOUND), naming GEMINI_MODEL", async () => {
    const before = gemini.requests.length;
    const { failure } = await start({ GEMINI_MODEL: "gemini-2.5-flahs" });
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as ConfigError).problems).toEqual([expect.stringMatching(/^GEMINI_MODEL: Gemini has no model "gemini-2.5-flahs"/)]);
    const asked = gemini.requests.slice(before);
    expect(asked.map((r) => [r.method, r.path, r.status])).toEqual([["GET", "/v1beta/models/gemini-2.5-flahs", 404]]);
  });

  it("refuses to start with a key Gemini rejects, naming GEMINI_API_KEY", async () => {
    const { failure } = await start({ GEMINI_API_KEY: "not-the-key" });
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as ConfigError).problems).toEqual([expect.stringMatching(/^GEMINI_API_KEY:/)]);
  });

  it("starts with a model Gemini serves, having asked for it", async () => {
    const before = gemini.requests.length;
    const { failure, lines } = await start({ GEMINI_MODEL: "gemini-2.5-pro" });
    expect(failure).toBeUndefined();
    expect(gemini.requests.slice(before).map((r) => [r.path, r.status])).toEqual([["/v1beta/models/gemini-2.5-pro", 200]]);
    expect(lines.some((l) => l.msg === "Gemini model found")).toBe(true);
  });

  it("starts anyway, with a warning, when Gemini cannot be reached to check", async () => {
    gemini.failNext({ kind: "503" });
    const { failure, lines } = await start({});
    expect(failure).toBeUndefined();
    expect(lines.some((l) => l.level === 40 && String(l.msg).includes("could not check GEMINI_MODEL"))).toBe(true);
  });
});

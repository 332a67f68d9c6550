import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { startGeminiEmulator } from "../emulators/gemini.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const MAIN = path.join(ROOT, "src/main.ts");

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** Starts the service as `npm start` would, in an empty folder with only `env` set. */
function startProcess(env: Record<string, string>, cwd: string) {
  const child = spawn(process.execPath, [MAIN], {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: cwd, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  return { child, output: () => ({ stdout, stderr }) };
}

/** Resolves once the process's stdout shows `pattern`; fails if the process ends first. */
async function waitForLine(child: ReturnType<typeof startProcess>["child"], read: () => string, pattern: RegExp): Promise<void> {
  if (pattern.test(read())) return;
  await new Promise<void>((resolve, reject) => {
    const onData = () => {
      if (!pattern.test(read())) return;
      child.off("exit", onExit);
      resolve();
    };
    const onExit = () => {
      child.stdout!.off("data", onData);
      reject(new Error(`the process ended before ${pattern}; output so far:\n${read()}`));
    };
    // After the harness's own listener, so the output read here already holds this chunk.
    child.stdout!.on("data", onData);
    child.once("exit", onExit);
  });
}

describe("the service process", () => {
  it("starts on embedded defaults, is healthy and ready, says what is off, and stops cleanly on SIGTERM", async () => {
    const cwd = await mkdtemp(path.join(tmpdir(), "reelnotes-boot-"));
    dirs.push(cwd);
    const { child, output } = startProcess({ PORT: "0", LOG_PRETTY: "false" }, cwd);
    await waitForLine(child, () => output().stdout, /reelnotes is running/);
    const port = Number(/"port":(\d+)/.exec(output().stdout)![1]);
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/ready`)).status).toBe(200);
    for (const route of ["/", "/privacy", "/terms"]) {
      const page = await fetch(`http://127.0.0.1:${port}${route}`);
      expect(page.status, route).toBe(200);
      expect(await page.text()).toMatch(/^<!doctype html>[\s\S]*<h1>/);
    }
    const log = output().stdout;
    expect(log).toContain("applied database migration");
    expect(log).toContain("set TELEGRAM_BOT_TOKEN");
    expect(log).toContain("set NOTION_CLIENT_ID");
    expect(log).toContain("set GEMINI_API_KEY");

    child.kill("SIGTERM");
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
    expect(output().stdout).toContain("stopped cleanly");
  });

  it("refuses bad configuration with one message naming each bad variable, and no stack trace", async () => {
    const cwd = await mkdtemp(path.join(tmpdir(), "reelnotes-badconfig-"));
    dirs.push(cwd);
    const { child, output } = startProcess(
      { DATABASE_URL: "nonsense", TOKEN_ENCRYPTION_KEY: "dG9vLXNob3J0", PORT: "99999" },
      cwd,
    );
    const [code] = await once(child, "exit");
    expect(code).not.toBe(0);
    const { stderr } = output();
    expect(stderr).toMatch(/DATABASE_URL/);
    expect(stderr).toMatch(/TOKEN_ENCRYPTION_KEY/);
    expect(stderr).toMatch(/PORT/);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stderr).not.toContain("dG9vLXNob3J0");
  });

  it("stops at start-up with one sentence naming GEMINI_MODEL when Gemini does not serve that model, and no stack trace", async () => {
    const gemini = await startGeminiEmulator();
    try {
      const cwd = await mkdtemp(path.join(tmpdir(), "reelnotes-badmodel-"));
      dirs.push(cwd);
      const { child, output } = startProcess({ PORT: "0", GEMINI_API_KEY: gemini.apiKey, GEMINI_BASE_URL: gemini.url, GEMINI_MODEL: "gemini-1.0-pro" }, cwd);
      const [code] = await once(child, "exit");
      expect(code).toBe(1);
      expect(output().stderr).toContain('GEMINI_MODEL: Gemini has no model "gemini-1.0-pro"');
      expect(output().stderr).not.toMatch(/\n\s+at /);
    } finally {
      await gemini.stop();
    }
  });
});

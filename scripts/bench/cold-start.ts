import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { median } from "./percentiles.ts";

const MAIN = fileURLToPath(new URL("../../src/main.ts", import.meta.url));

/** A port nobody listens on right now. */
async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, "127.0.0.1");
  await once(probe, "listening");
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Whether `/ready` answers 200 (the site answers at once during start-up, so this never hangs long). */
async function isReady(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/ready`, { signal: AbortSignal.timeout(2000) });
    await res.body?.cancel();
    return res.status === 200;
  } catch {
    return false;
  }
}

/**
 * Milliseconds from spawning `node src/main.ts` on embedded defaults in `dir` (its data folder
 * is `dir/data`) until `/ready` answers 200; then stops it with SIGTERM.
 */
async function startOnce(dir: string): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [MAIN], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "", HOME: dir, PORT: String(port), LOG_LEVEL: "silent" },
    stdio: "ignore",
  });
  try {
    while (!(await isReady(port))) {
      if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode} before it was ready`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return performance.now() - started;
  } finally {
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    await exited;
  }
}

/**
 * Cold starts (a new process each time) one after another on one data folder. The very first
 * start in an empty folder also creates the embedded database (PGlite's initdb), migrates it and
 * generates the encryption key, once per installation: it is reported apart as `firstMs`.
 */
export async function measureColdStarts(times: number): Promise<{ firstMs: number; runsMs: number[]; medianMs: number }> {
  const dir = await mkdtemp(path.join(tmpdir(), "reelnotes-cold-"));
  try {
    const firstMs = await startOnce(dir);
    const runsMs: number[] = [];
    for (let i = 0; i < times; i += 1) runsMs.push(await startOnce(dir));
    return { firstMs, runsMs, medianMs: median(runsMs) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

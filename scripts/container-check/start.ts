import { execFile, spawn, type ChildProcess } from "node:child_process";
import { chown, mkdir, readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import type { BuiltStage } from "./build.ts";

const run = promisify(execFile);

/** The tools the skipped apt/pip steps would install; this machine must have them instead. */
export const TOOLS = ["ffmpeg", "ffprobe", "python3", "yt-dlp", "tini"];

/** Who runs the service when the check runs as root and the image sets USER: an unprivileged user. */
const RUN_AS = { name: "nobody", uid: 65534, gid: 65534 };

/** Fails unless every tool is on PATH and every absolute tool path in ENV exists here. */
export async function checkTools(stage: BuiltStage, log: (line: string) => void): Promise<void> {
  for (const tool of TOOLS) {
    const found = await run("sh", ["-c", `command -v ${tool}`]).then((r) => r.stdout.trim(), () => "");
    if (!found) throw new Error(`${tool} is not on this machine's PATH (the image installs it with apt or pip)`);
    log(`  ${tool}: ${found}`);
  }
  for (const [name, value] of Object.entries(stage.env)) {
    if (name !== "PATH" && value.startsWith("/usr/") && !(await stat(value).then(() => true, () => false))) {
      throw new Error(`${name}=${value} does not exist on this machine`);
    }
  }
}

/** Fails when a package only devDependencies need is in the image's node_modules. */
export async function checkNoDevDependencies(stage: BuiltStage): Promise<number> {
  const app = path.join(stage.root, stage.workdir);
  const lock = JSON.parse(await readFile(path.join(app, "package-lock.json"), "utf8")) as { packages: Record<string, { dev?: boolean }> };
  const devOnly = Object.entries(lock.packages).filter(([name, entry]) => entry.dev && name.startsWith("node_modules/"));
  const present = new Set((await readdir(path.join(app, "node_modules"))).flatMap((n) => (n.startsWith("@") ? [] : [`node_modules/${n}`])));
  const found = devOnly.map(([name]) => name).filter((name) => present.has(name));
  if (found.length > 0) throw new Error(`devDependencies in the image: ${found.join(", ")}`);
  return devOnly.length;
}

/**
 * The container's environment: the image's ENV (paths inside the image mapped into the stage
 * folder), this machine's PATH in place of the image's (its /opt/venv is not built here), and
 * `overrides`.
 */
export async function containerEnv(stage: BuiltStage, overrides: Record<string, string>): Promise<Record<string, string>> {
  const top = new Set(await readdir(stage.root));
  const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin" };
  for (const [name, value] of Object.entries(stage.env)) {
    if (name === "PATH") continue;
    const first = value.split("/")[1];
    env[name] = value.startsWith("/") && first && top.has(first) ? path.join(stage.root, value) : value;
  }
  return { ...env, ...overrides };
}

/** Whether to drop to an unprivileged user, as the image's USER does. */
export function dropsPrivileges(stage: BuiltStage): boolean {
  return process.getuid?.() === 0 && stage.user !== undefined && stage.user !== "root";
}

/** Makes `dir` (DATA_DIR, the home folder) writable by whoever runs the service. */
export async function writableFolder(dir: string, stage: BuiltStage): Promise<void> {
  await mkdir(dir, { recursive: true });
  if (dropsPrivileges(stage)) await chown(dir, RUN_AS.uid, RUN_AS.gid);
}

/**
 * Spawns `command` in the WORKDIR with `env`, as the unprivileged user where the image has USER,
 * under `entrypoint` (the image's init). The init stays this machine's user: here it may not
 * see a Node that the unprivileged user cannot reach, while the image's node is on its PATH.
 */
export function spawnInContainer(stage: BuiltStage, command: string[], env: Record<string, string>, entrypoint: string[] = []): ChildProcess {
  const cwd = path.join(stage.root, stage.workdir);
  const [file, ...args] = [
    ...entrypoint,
    ...(dropsPrivileges(stage) ? ["setpriv", `--reuid=${RUN_AS.uid}`, `--regid=${RUN_AS.gid}`, "--clear-groups", "--"] : []),
    ...command,
  ];
  return spawn(file!, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
}

/** Polls `url` until it answers 200; fails early when `child` exits. */
export async function waitFor200(url: string, child: ChildProcess, timeoutMs: number): Promise<number> {
  const started = Date.now();
  let last = "no answer";
  while (Date.now() - started < timeoutMs) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the service exited (${child.exitCode ?? child.signalCode}) before ${url} answered 200`);
    const status = await fetch(url, { signal: AbortSignal.timeout(2000) }).then((r) => r.status, (e: Error) => e.message);
    if (status === 200) return Date.now() - started;
    last = String(status);
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs / 1000} s (last: ${last})`);
}

/** Resolves with the exit code (or signal name) once `child` ends. */
export function exited(child: ChildProcess): Promise<number | string> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode ?? child.signalCode!);
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown")));
}

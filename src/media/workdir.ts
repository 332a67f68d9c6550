import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { z } from "zod";

/**
 * One temporary folder per job under a shared root. Each folder records which process on which
 * machine owns it, so a sweep on boot removes only what crashed processes left behind, even when
 * several workers share the machine (and the root).
 */

/** Where work folders live unless told otherwise. */
export const DEFAULT_WORK_ROOT = path.join(tmpdir(), "reelnotes-media");

/** Folders older than this are swept whoever owns them: no job needs its media for hours. */
export const DEFAULT_MAX_AGE_MS = 6 * 60 * 60 * 1000;

const OWNER_FILE = ".owner.json";
const owner = z.object({ pid: z.number(), host: z.string(), createdAt: z.number() });

/** Creates a job's folder and records its owner. */
export async function createWorkDir(root: string, jobId: string): Promise<string> {
  await mkdir(root, { recursive: true });
  const safeId = jobId.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 64) || "job";
  const dir = await mkdtemp(path.join(root, `${safeId}-`));
  await writeFile(path.join(dir, OWNER_FILE), JSON.stringify({ pid: process.pid, host: hostname(), createdAt: Date.now() }));
  return dir;
}

/** Removes a job's folder; only folders inside `root` are touched. */
export async function removeWorkDir(root: string, dir: string): Promise<void> {
  const relative = path.relative(path.resolve(root), path.resolve(dir));
  if (relative === "" || relative.startsWith("..") || path.isAbsolute(relative)) {
    throw new Error(`refusing to remove ${dir}: not a work folder under ${root}`);
  }
  await rm(dir, { recursive: true, force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function isStale(dir: string, maxAgeMs: number, now: number): Promise<boolean> {
  const recorded = owner.safeParse(await readFile(path.join(dir, OWNER_FILE), "utf8").then(JSON.parse, () => undefined));
  if (!recorded.success) {
    // A folder without an owner is one being created right now, or debris; give it a minute.
    const { mtimeMs } = await stat(dir);
    return now - mtimeMs > 60_000;
  }
  const { pid, host, createdAt } = recorded.data;
  if (now - createdAt > maxAgeMs) return true;
  if (host !== hostname() || pid === process.pid) return false;
  return !isAlive(pid);
}

/** Removes folders whose owning process is dead, or that are older than `maxAgeMs`; returns how many. */
export async function sweepStaleWorkDirs(root: string, maxAgeMs = DEFAULT_MAX_AGE_MS): Promise<number> {
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  let removed = 0;
  const now = Date.now();
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const dir = path.join(root, entry.name);
    if (!(await isStale(dir, maxAgeMs, now).catch(() => false))) continue;
    await rm(dir, { recursive: true, force: true });
    removed++;
  }
  return removed;
}

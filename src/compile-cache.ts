import { mkdirSync, statSync } from "node:fs";
import module from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * The compile cache's folder under `parent`, for this user only: created private, and refused
 * (undefined) when it exists but belongs to someone else or others may write to it, because
 * compiled code is trusted as it is read back.
 */
export function compileCacheDir(parent = tmpdir()): string | undefined {
  // No user database entry is needed (a container may run under any uid); Windows has no uid.
  const uid = process.getuid?.();
  const dir = path.join(parent, `reelnotes-compile-cache-${uid ?? "user"}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const folder = statSync(dir);
    const ours = uid === undefined || folder.uid === uid;
    return ours && (folder.mode & 0o022) === 0 ? dir : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Turns on Node's compile cache in {@link compileCacheDir}, so a restart reuses the code the
 * start before compiled. Never in the way: without a usable folder nothing changes. Node's own
 * NODE_COMPILE_CACHE, when set, has turned the cache on already, and wins.
 */
export function enableCompileCache(): void {
  const dir = compileCacheDir();
  if (dir) module.enableCompileCache?.(dir);
}

/** Writes what was compiled so far: a process that is killed never gets to write it at exit. */
export function flushCompileCache(): void {
  module.flushCompileCache?.();
}

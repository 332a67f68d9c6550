import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The lock of the pinned API descriptions in this folder: where each came from (repository,
 * path, commit) and the sha256 of the upstream file and of every file vendored from it, so a
 * hand edit or a half-done refresh is caught by `lock.test.ts`.
 */

/** This folder, where the descriptions and `lock.json` live. */
export const CONTRACTS_DIR = path.dirname(fileURLToPath(import.meta.url));
const LOCK_FILE = path.join(CONTRACTS_DIR, "lock.json");

/** One pinned description. */
export interface LockEntry {
  repository: string;
  path: string;
  commit: string;
  /** sha256 of the upstream file as published at `commit`. */
  upstreamSha256: string;
  /** What was done to it before vendoring (e.g. trimmed to the endpoints we call). */
  transform: "none" | "trim-openapi-yaml";
  /** sha256 of each vendored file, by path relative to this folder. */
  files: Record<string, string>;
}

/** The whole lock: entries by description name (discord, openai, telegram). */
export type Lock = Record<string, LockEntry>;

/** The hex sha256 of some bytes. */
export function sha256(bytes: Buffer | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Reads `lock.json`. */
export async function readLock(): Promise<Lock> {
  return JSON.parse(await readFile(LOCK_FILE, "utf8")) as Lock;
}

/** Writes `lock.json`, keys sorted so diffs stay small. */
export async function writeLock(lock: Lock): Promise<void> {
  const sorted = Object.fromEntries(Object.entries(lock).sort(([a], [b]) => a.localeCompare(b)));
  await writeFile(LOCK_FILE, `${JSON.stringify(sorted, null, 2)}\n`);
}

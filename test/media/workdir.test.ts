import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/log.ts";
import { createMediaTools, type MediaTools } from "../../src/media/index.ts";

let root: string;
let media: MediaTools;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "reelnotes-workdir-test-"));
  media = createMediaTools(loadConfig({}).media, createLogger({ logLevel: "silent", logPretty: false }), { workRoot: root });
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function folderOwnedBy(name: string, owner: { pid: number; host?: string; createdAt?: number }): Promise<string> {
  const dir = await media.createWorkDir(name);
  await writeFile(
    path.join(dir, ".owner.json"),
    JSON.stringify({ pid: owner.pid, host: owner.host ?? hostname(), createdAt: owner.createdAt ?? Date.now() }),
  );
  return dir;
}

async function deadPid(): Promise<number> {
  const child = spawn("true");
  await new Promise((resolve) => child.once("exit", resolve));
  return child.pid!;
}

describe("work folders", () => {
  it("creates one folder per job under the root, named after the job", async () => {
    const a = await media.createWorkDir("job/../../etc");
    const b = await media.createWorkDir("job/../../etc");
    expect(path.dirname(a)).toBe(root);
    expect(a).not.toBe(b);
    expect(path.basename(a)).toMatch(/^job_______etc-/);
    expect((await stat(a)).isDirectory()).toBe(true);
  });

  it("removes a folder twice without complaint and refuses anything outside the root", async () => {
    const dir = await media.createWorkDir("job");
    await media.removeWorkDir(dir);
    await media.removeWorkDir(dir);
    expect(await readdir(root)).toEqual([]);
    await expect(media.removeWorkDir(tmpdir())).rejects.toThrow(/not a work folder/);
    await expect(media.removeWorkDir(root)).rejects.toThrow(/not a work folder/);
  });

  it("sweeps only folders of dead processes or past the age bound, keeping live workers' folders", async () => {
    const sleeper = spawn("sleep", ["30"]);
    try {
      const mine = await media.createWorkDir("mine");
      const otherLiveWorker = await folderOwnedBy("live", { pid: sleeper.pid! });
      const otherMachine = await folderOwnedBy("remote", { pid: await deadPid(), host: "another-machine" });
      await folderOwnedBy("crashed", { pid: await deadPid() });
      await folderOwnedBy("ancient", { pid: sleeper.pid!, createdAt: Date.now() - 7 * 60 * 60 * 1000 });

      expect(await media.sweepStaleWorkDirs()).toBe(2);
      expect((await readdir(root)).map((n) => path.join(root, n)).sort()).toEqual([mine, otherLiveWorker, otherMachine].sort());
    } finally {
      sleeper.kill();
    }
  });

  it("sweeps nothing when the root does not exist yet", async () => {
    await rm(root, { recursive: true, force: true });
    expect(await media.sweepStaleWorkDirs()).toBe(0);
  });
});

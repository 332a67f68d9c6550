import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { compileCacheDir } from "../../src/compile-cache.ts";

/** The compile cache's folder: private to the service's user, and never one others may write to. */
describe("the compile cache's folder", () => {
  let parent: string;
  beforeEach(async () => {
    parent = await mkdtemp(path.join(tmpdir(), "reelnotes-cache-parent-"));
  });
  afterEach(() => rm(parent, { recursive: true, force: true }));

  it("is created for this user alone, and found again on the next start", async () => {
    const dir = compileCacheDir(parent);
    expect(dir).toBeDefined();
    expect((await stat(dir!)).mode & 0o077).toBe(0);
    expect(compileCacheDir(parent)).toBe(dir);
  });

  it("is refused when others may write to it (someone made it first, or opened it up)", async () => {
    const dir = path.join(parent, `reelnotes-compile-cache-${process.getuid?.() ?? "user"}`);
    await mkdir(dir);
    await chmod(dir, 0o777);
    expect(compileCacheDir(parent)).toBeUndefined();
    await chmod(dir, 0o700);
    expect(compileCacheDir(parent)).toBe(dir);
  });

  it("is refused, not thrown, when it cannot be made", async () => {
    const file = path.join(parent, "not-a-folder");
    await writeFile(file, "");
    expect(compileCacheDir(file)).toBeUndefined();
  });
});

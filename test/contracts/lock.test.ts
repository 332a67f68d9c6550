import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CONTRACTS_DIR, readLock, sha256 } from "./lock.ts";

describe("pinned API descriptions", () => {
  it("pins discord, openai and telegram, each to a full commit with its licence", async () => {
    const lock = await readLock();
    expect(Object.keys(lock).sort()).toEqual(["discord", "openai", "telegram"]);
    for (const [name, entry] of Object.entries(lock)) {
      expect(entry.commit, name).toMatch(/^[0-9a-f]{40}$/);
      expect(Object.keys(entry.files), name).toContain(`${name}/LICENSE`);
    }
  });

  it("matches every vendored file with the sha256 in lock.json", async () => {
    const lock = await readLock();
    for (const entry of Object.values(lock)) {
      for (const [file, expected] of Object.entries(entry.files)) {
        expect(sha256(await readFile(path.join(CONTRACTS_DIR, file))), file).toBe(expected);
      }
    }
  });

  it("vendors untransformed descriptions byte for byte as published", async () => {
    const lock = await readLock();
    const verbatim = Object.values(lock).filter((entry) => entry.transform === "none");
    expect(verbatim.length).toBeGreaterThan(0);
    for (const entry of verbatim) {
      const vendored = Object.entries(entry.files).find(([file]) => !file.endsWith("LICENSE"))!;
      expect(vendored[1]).toBe(entry.upstreamSha256);
    }
  });
});

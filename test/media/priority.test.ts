import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFile } from "node:fs/promises";
import { getPriority } from "node:os";
import { describe, expect, it } from "vitest";
import { CHILD_NICENESS, watchProcessTree } from "../../src/media/run.ts";

/** The nice value of process `pid`, from /proc (field 19 of its stat line). */
async function niceOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
}

describe("media children's CPU priority", () => {
  it("runs every watched child (yt-dlp, ffmpeg, ffprobe) nicer than the service, so chat replies win the cores", async () => {
    const child = spawn("sleep", ["600"], { detached: true, stdio: "ignore" });
    const watch = watchProcessTree(child, { timeoutMs: 60_000 });
    try {
      expect(await niceOf(child.pid!)).toBe(Math.min(19, getPriority() + CHILD_NICENESS));
      expect(await niceOf(process.pid)).toBe(getPriority());
    } finally {
      watch.release();
      const exited = once(child, "exit");
      child.kill("SIGKILL");
      await exited;
    }
  });
});

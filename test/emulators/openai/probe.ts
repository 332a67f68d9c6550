import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The duration of an audio/video file in seconds, or undefined when ffprobe cannot read it. */
export async function probeDuration(path: string): Promise<number | undefined> {
  try {
    const { stdout } = await run("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "default=nw=1:nk=1", path]);
    const seconds = Number(stdout.trim());
    return Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
  } catch {
    return undefined;
  }
}

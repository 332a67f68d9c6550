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

/**
 * How many stretches of sound, separated by pauses of at least 0.1 s, the audio holds (ffmpeg
 * silencedetect): with generated speech, about one per word group. Stands in for recognising
 * the words, so tests can check that chunking lost or doubled none.
 */
/** Shorter sound is a click (an mp3 frame edge, a breath), never a word. */
const MIN_BURST_SECONDS = 0.1;

export async function countSoundBursts(path: string, duration: number): Promise<number> {
  const { stderr } = await run("ffmpeg", ["-hide_banner", "-nostats", "-i", path, "-af", "silencedetect=noise=-35dB:duration=0.1", "-f", "null", "-"]);
  const events = [...stderr.matchAll(/silence_(start|end): (-?[\d.]+)/g)].map((m) => ({ kind: m[1], at: Math.max(0, Number(m[2])) }));
  let bursts = 0;
  let soundFrom: number | undefined = 0;
  for (const event of events) {
    if (event.kind === "start" && soundFrom !== undefined) {
      if (event.at - soundFrom >= MIN_BURST_SECONDS) bursts += 1;
      soundFrom = undefined;
    } else if (event.kind === "end") {
      soundFrom = event.at;
    }
  }
  // Sound running on to the end is a burst too; a silence still open at the end is not.
  if (soundFrom !== undefined && duration - soundFrom >= MIN_BURST_SECONDS) bursts += 1;
  return bursts;
}

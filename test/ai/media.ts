import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";

/**
 * Media for the AI tests, made at test time with ffmpeg and espeak-ng: frames in the style of the
 * intake issue's three-caption clip (test card, light noise, boxed caption), and spoken audio.
 */

const run = promisify(execFile);
const FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

/** The three captions of the intake issue's clip. */
export const THREE_CAPTIONS = ["Step one: boil water", "Step two: add pasta", "Step three: enjoy"];

/**
 * JPEG frames as the media room extracts them: `perCaption` frames per caption (the same
 * caption over slightly different noise), in caption order. Returns the paths in order.
 */
export async function makeCaptionFrames(dir: string, captions: string[], perCaption: number, name = "frame"): Promise<string[]> {
  const paths: string[] = [];
  for (const [i, caption] of captions.entries()) {
    // drawtext reads the caption from a file: inline escaping of ':' and quotes is a trap.
    const textFile = path.join(dir, `${name}-${i}.txt`);
    await writeFile(textFile, caption);
    const pattern = path.join(dir, `${name}-${i}-%02d.jpg`);
    await run("ffmpeg", [
      "-hide_banner", "-loglevel", "error", "-y",
      "-f", "lavfi", "-i", `smptebars=s=540x960:r=${perCaption}:d=1`,
      "-vf", `noise=alls=6:allf=t,drawtext=fontfile=${FONT}:textfile='${textFile}':fontsize=44:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=12:x=(w-text_w)/2:y=h*0.72`,
      "-frames:v", String(perCaption), "-q:v", "3", pattern,
    ]);
    for (let n = 1; n <= perCaption; n++) paths.push(pattern.replace("%02d", String(n).padStart(2, "0")));
  }
  return paths;
}

/** Spoken `text` (espeak-ng) as a mono 16 kHz file; the extension picks the container (wav, mp3, m4a...). */
export async function makeSpeech(dir: string, name: string, text: string): Promise<string> {
  const wav = path.join(dir, `${name}.raw.wav`);
  await run("espeak-ng", ["-s", "160", "-w", wav, text]);
  const out = path.join(dir, name);
  await run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-i", wav, "-ac", "1", "-ar", "16000", out]);
  return out;
}

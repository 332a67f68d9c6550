import { type ChildProcess, spawn } from "node:child_process";
import { getPriority, setPriority } from "node:os";
import { TransientError } from "../errors.ts";

/**
 * How much nicer than the service its media children (yt-dlp, ffmpeg, ffprobe) run. They are
 * batch work; the service's own thread answers chats and pages. At equal priority a burst of
 * jobs starting (a Python interpreter per yt-dlp) takes the cores while the replies wait in the
 * run queue. At ten steps lower four children on a core still held about 30% of it against the
 * service's thread (CFS weights 110 each against 1024); at the lowest priority (weight 15) they
 * hold about 6%, and they still get every cycle the service leaves idle, which is most of them.
 */
export const CHILD_NICENESS = 19;

/** Lowers `child`'s CPU priority (and so that of what it starts) below the service's. */
function lowerPriority(child: ChildProcess): void {
  if (!child.pid) return;
  try {
    setPriority(child.pid, Math.min(19, getPriority() + CHILD_NICENESS));
  } catch {
    // Already gone, or not allowed here: it runs at the service's priority.
  }
}

/** Why a watched process was stopped early: its deadline, the caller, or what it was writing grew too large. */
export type StopReason = "timeout" | "aborted" | "too_large";

/**
 * Bounds a child process by a deadline and an AbortSignal. The child must have been spawned
 * `detached`, so it leads its own process group: killing the group also kills what it started
 * (yt-dlp runs ffmpeg), which a plain `child.kill()` would leave running.
 */
export function watchProcessTree(
  child: ChildProcess,
  limits: { timeoutMs: number; signal?: AbortSignal },
): { stopReason(): StopReason | undefined; stop(reason: StopReason): void; release(): void } {
  lowerPriority(child);
  let reason: StopReason | undefined;
  const kill = (why: StopReason) => {
    reason ??= why;
    try {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  };
  const timer = setTimeout(() => kill("timeout"), limits.timeoutMs);
  const onAbort = () => kill("aborted");
  if (limits.signal?.aborted) onAbort();
  limits.signal?.addEventListener("abort", onAbort, { once: true });
  return {
    stopReason: () => reason,
    stop: kill,
    release: () => {
      clearTimeout(timer);
      limits.signal?.removeEventListener("abort", onAbort);
    },
  };
}

/** The error for a process stopped by its deadline or by the caller. */
export function stoppedError(reason: StopReason, what: string, signal?: AbortSignal): unknown {
  if (reason === "aborted") return signal?.reason ?? new Error(`${what} was cancelled`);
  if (reason === "too_large") return new Error(`${what} grew past its size limit`);
  return new TransientError("timeout", `${what} took too long and was stopped`);
}

/** Output of a finished tool run. */
export interface ToolResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs ffmpeg/ffprobe with arguments (never a shell), bounded in time; resolves whatever the exit code. */
export async function runTool(
  file: string,
  args: string[],
  limits: { timeoutMs: number; signal?: AbortSignal },
): Promise<ToolResult> {
  const child = spawn(file, args, { detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const watch = watchProcessTree(child, limits);
  const out: Buffer[] = [];
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => out.push(chunk));
  // Keep only the tail: ffmpeg can be chatty, and the last lines say what went wrong.
  child.stderr!.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-16_384)));
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once("error", reject);
      child.once("close", (exitCode) => resolve(exitCode));
    });
    const reason = watch.stopReason();
    if (reason) throw stoppedError(reason, file, limits.signal);
    return { code, stdout: Buffer.concat(out), stderr };
  } finally {
    watch.release();
  }
}

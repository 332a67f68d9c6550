import { readdir, readFile } from "node:fs/promises";

/**
 * Resident memory of a process (and of the processes it started: yt-dlp, ffmpeg), read from
 * /proc on Linux, sampled on a timer so short peaks are caught.
 */

/** One sample, in MB. */
export interface MemorySample {
  at: number;
  /** The service's own Node.js process. */
  serviceMb: number;
  /** The service plus every process below it. */
  treeMb: number;
  /** How many processes run below the service (yt-dlp, ffmpeg, ffprobe). */
  children: number;
  /** CPU time the service's own process has used so far, in ms (user + system). */
  cpuMs: number;
  /** Time the service's main (event-loop) thread has so far spent ready to run but waiting for a core, in ms. */
  runQueueWaitMs: number;
}

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

async function cpuMsOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  // After the ")" closing the command name: state is field 3, utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

/**
 * CPU time of `pid` and of every child it has waited for (yt-dlp, ffmpeg and what they ran),
 * in ms: utime + stime + cutime + cstime of /proc/<pid>/stat.
 */
export async function cpuWithChildrenMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * 1000) / TICKS_PER_SECOND;
}

/** Run-queue wait of `pid`'s main thread so far, in ms (second field of /proc/<pid>/task/<pid>/schedstat, ns). */
async function runQueueWaitMsOf(pid: number): Promise<number> {
  const schedstat = await readFile(`/proc/${pid}/task/${pid}/schedstat`, "utf8").catch(() => "");
  return Number(schedstat.split(" ")[1] ?? Number.NaN) / 1e6;
}

async function residentKb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  return Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
}

/** The high-water mark of the process's resident memory over its whole life, in MB. */
export async function lifetimePeakMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  return Number(/^VmHWM:\s+(\d+)/m.exec(status)?.[1] ?? 0) / 1024;
}

/** The processes `pid` started, from each of its threads' `children` list (cheaper than reading every process on the machine). */
async function childrenOf(pid: number): Promise<number[]> {
  const tasks = await readdir(`/proc/${pid}/task`).catch(() => []);
  const lists = await Promise.all(tasks.map((task) => readFile(`/proc/${pid}/task/${task}/children`, "utf8").catch(() => "")));
  return lists.flatMap((list) => list.split(" ").filter(Boolean).map(Number));
}

async function descendantsOf(pid: number): Promise<number[]> {
  const found: number[] = [];
  let frontier = [pid];
  while (frontier.length > 0) {
    const next = (await Promise.all(frontier.map(childrenOf))).flat();
    found.push(...next);
    frontier = next;
  }
  return found;
}

/** Samples `pid`'s memory every `everyMs` until `stop`. */
export function sampleMemory(pid: number, everyMs = 250): { samples: MemorySample[]; stop(): Promise<void> } {
  const samples: MemorySample[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const own = await residentKb(pid);
      const children = await Promise.all((await descendantsOf(pid)).map(residentKb));
      const cpuMs = await cpuMsOf(pid);
      const runQueueWaitMs = await runQueueWaitMsOf(pid);
      samples.push({ at: Date.now(), serviceMb: own / 1024, treeMb: (own + children.reduce((a, b) => a + b, 0)) / 1024, children: children.length, cpuMs, runQueueWaitMs });
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    samples,
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

/** The largest sample taken between `from` and `to`. */
export function peakBetween(samples: MemorySample[], from: number, to: number): { serviceMb: number; treeMb: number } {
  const inside = samples.filter((s) => s.at >= from && s.at <= to);
  return {
    serviceMb: Math.max(0, ...inside.map((s) => s.serviceMb)),
    treeMb: Math.max(0, ...inside.map((s) => s.treeMb)),
  };
}

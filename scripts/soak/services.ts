import { startServiceProcess, type ServiceProcess } from "../../test/harness/processes.ts";
import { sampleMemory, type MemorySample } from "../bench/memory.ts";

/** One run of a service process (a restarted worker is a new run). */
export interface ServiceRun {
  role: "bot" | "worker";
  /** The worker's lease owner name ("no-worker" for the bot). */
  owner: string;
  startedAt: number;
  /** When it was killed, if it was. */
  killedAt?: number;
  samples: MemorySample[];
  process: ServiceProcess;
  stopSampling(): Promise<void>;
}

/** A claim the service logged: which job, when, by whom. */
export interface Claim {
  jobId: string;
  at: number;
  owner: string;
}

/** Starts a service process of `role` with `env` and samples its memory every second. */
export async function startRun(role: ServiceRun["role"], env: Record<string, string>): Promise<ServiceRun> {
  const roleEnv = role === "bot" ? { BOTS_ENABLED: "true", WORKER_ENABLED: "false" } : { BOTS_ENABLED: "false", WORKER_ENABLED: "true" };
  const process = await startServiceProcess({ ...env, ...roleEnv, LOG_LEVEL: "info", LOG_PRETTY: "false" });
  const owner = /ready (\S+)/.exec(process.output())?.[1] ?? "unknown";
  const sampler = sampleMemory(process.child.pid!, 1000);
  return { role, owner, startedAt: Date.now(), samples: sampler.samples, process, stopSampling: sampler.stop };
}

/** SIGKILL: no shutdown, no lease released, as when a machine dies. */
export async function killRun(run: ServiceRun): Promise<void> {
  run.killedAt = Date.now();
  await run.process.kill("SIGKILL");
  await run.stopSampling();
}

/** Every "claimed a job" line a run logged. */
export function claimsOf(run: ServiceRun): Claim[] {
  const claims: Claim[] = [];
  for (const line of run.process.output().split("\n")) {
    if (!line.includes('"claimed a job"')) continue;
    const entry = JSON.parse(line) as { time?: string | number; jobId?: string };
    if (entry.jobId && entry.time !== undefined) claims.push({ jobId: entry.jobId, at: typeof entry.time === "number" ? entry.time : Date.parse(entry.time), owner: run.owner });
  }
  return claims;
}

/** One paid call the service received an answer to, from its "ai usage" log line. */
export interface PaidCall {
  /** Job, provider and (for transcription) the chunk's index in the clip: one answer is expected per key. */
  key: string;
}

/** Every paid call a run logged (an answer it received; a call its death cut short is not here). */
export function paidCallsOf(run: ServiceRun): PaidCall[] {
  const calls: PaidCall[] = [];
  for (const line of run.process.output().split("\n")) {
    if (!line.includes('"ai usage"')) continue;
    // Not the chunk's length: the emulator bills whole seconds, so two chunks of one clip often bill alike.
    const entry = JSON.parse(line) as { jobId?: string; chunk?: number; usage?: { provider?: string } };
    if (entry.jobId && entry.usage?.provider) calls.push({ key: `${entry.jobId} ${entry.usage.provider} ${entry.chunk ?? ""}` });
  }
  return calls;
}

/** Lines at error level or above (pino level 50+), for the report. */
export function errorsOf(run: ServiceRun): string[] {
  return run.process
    .output()
    .split("\n")
    .filter((line) => /"level":(50|60)/.test(line));
}

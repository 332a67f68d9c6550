import { startServiceProcess, type ServiceProcess } from "../../test/harness/processes.ts";
import { sampleMemory, type MemorySample } from "./memory.ts";

/** The real service in its own process, so its memory is its own, with a memory sampler. */
export interface BenchService {
  pid: number;
  samples: MemorySample[];
  output(): string;
  /** When the worker claimed job `jobId`, from the service's own log ("claimed a job"). */
  claimedAt(jobId: string): number | undefined;
  stop(): Promise<void>;
}

function claimTimeIn(output: string, jobId: string): number | undefined {
  for (const line of output.split("\n")) {
    if (!line.includes(jobId) || !line.includes('"claimed a job"')) continue;
    const entry = JSON.parse(line) as { time?: string; jobId?: string };
    if (entry.jobId === jobId && entry.time) return Date.parse(entry.time);
  }
  return undefined;
}

/**
 * Starts `src/service.ts`'s `startService` in a child process configured by `env` alone, logging
 * at info level as JSON (the benchmark reads the worker's claim times from it).
 */
export async function startBenchService(env: Record<string, string>): Promise<BenchService> {
  const child: ServiceProcess = await startServiceProcess({ ...env, LOG_LEVEL: "info", LOG_PRETTY: "false" });
  const pid = child.child.pid!;
  const sampler = sampleMemory(pid);
  return {
    pid,
    samples: sampler.samples,
    output: child.output,
    claimedAt: (jobId) => claimTimeIn(child.output(), jobId),
    stop: async () => {
      await sampler.stop();
      const killer = setTimeout(() => child.child.kill("SIGKILL"), 15_000);
      await child.kill("SIGTERM");
      clearTimeout(killer);
    },
  };
}

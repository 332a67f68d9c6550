import { startServiceProcess, type ServiceProcess } from "../../test/harness/processes.ts";
import { sampleMemory, type MemorySample } from "./memory.ts";

/** The real service in its own process, so its memory is its own, with a memory sampler. */
export interface BenchService {
  pid: number;
  samples: MemorySample[];
  output(): string;
  stop(): Promise<void>;
}

/** Starts `src/main.ts`'s `startService` in a child process configured by `env` alone. */
export async function startBenchService(env: Record<string, string>): Promise<BenchService> {
  const child: ServiceProcess = await startServiceProcess(env);
  const pid = child.child.pid!;
  const sampler = sampleMemory(pid);
  return {
    pid,
    samples: sampler.samples,
    output: child.output,
    stop: async () => {
      await sampler.stop();
      const killer = setTimeout(() => child.child.kill("SIGKILL"), 15_000);
      await child.kill("SIGTERM");
      clearTimeout(killer);
    },
  };
}

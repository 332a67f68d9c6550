import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

const WORKER = fileURLToPath(new URL("./worker-process.ts", import.meta.url));

/** A service process started by a test. */
export interface ServiceProcess {
  child: ChildProcess;
  output(): string;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** Starts test/harness/worker-process.ts with `env` as its whole configuration, and waits until it is ready. */
export async function startServiceProcess(env: Record<string, string>): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [WORKER], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", REELNOTES_TEST_ENV: JSON.stringify(env) },
    // stdin stays open as long as this process lives: the child exits when it closes.
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (c: Buffer) => {
      output += c.toString();
      if (output.includes("ready ")) resolve();
    });
    child.once("exit", () => reject(new Error(`service process did not start:\n${output}`)));
  });
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  await ready;
  return {
    child,
    output: () => output,
    kill: async (signal) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      child.kill(signal);
      await exited;
    },
  };
}

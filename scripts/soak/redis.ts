import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { freePort } from "../demo/free-port.ts";

/** A Redis server of the soak's own on a free port, without persistence. */
export interface OwnRedis {
  url: string;
  /** Stops the server (its keys are gone, as after a crash) and starts it again on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function startOn(port: number): Promise<ChildProcess> {
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) resolve();
    });
    child.once("error", reject);
    child.once("exit", () => reject(new Error(`redis-server did not start:\n${output}`)));
  });
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGKILL");
  await exited;
}

/** Starts redis-server (on the PATH; apt-get install redis-server) on a free port. */
export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  let child = await startOn(port);
  return {
    url: `redis://127.0.0.1:${port}`,
    restart: async () => {
      await stopChild(child);
      child = await startOn(port);
    },
    stop: () => stopChild(child),
  };
}

import { Writable } from "node:stream";
import { createLogger, type Logger } from "../../src/log.ts";

/** A logger whose JSON lines the test can read back. */
export function capturingLogger(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { log: createLogger({ logLevel: "debug", logPretty: false }, sink), lines };
}

/** The `usage` objects logged for a job. */
export function usageLogged(lines: Record<string, unknown>[], jobId: string): Record<string, unknown>[] {
  return lines.filter((l) => l.msg === "ai usage" && l.jobId === jobId).map((l) => l.usage as Record<string, unknown>);
}

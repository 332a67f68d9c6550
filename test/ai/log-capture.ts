import { Writable } from "node:stream";
import { createLogger, type Logger } from "../../src/log.ts";

/** A logger whose JSON lines the test can read back; `onLine` sees each line as it is written. */
export function capturingLogger(onLine?: (line: Record<string, unknown>) => void): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString().split("\n").filter(Boolean)) {
        const line = JSON.parse(text) as Record<string, unknown>;
        lines.push(line);
        onLine?.(line);
      }
      done();
    },
  });
  return { log: createLogger({ logLevel: "debug", logPretty: false }, sink), lines };
}

/** The `usage` objects logged for a job. */
export function usageLogged(lines: Record<string, unknown>[], jobId: string): Record<string, unknown>[] {
  return lines.filter((l) => l.msg === "ai usage" && l.jobId === jobId).map((l) => l.usage as Record<string, unknown>);
}

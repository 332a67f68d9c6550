import type { Logger } from "../log.ts";
import type { AiUsage } from "./types.ts";

/** Logs what one call cost, tagged with the job, so cost per video can be summed from the logs. */
export function logUsage(log: Logger, usage: AiUsage, jobId: string | undefined): void {
  log.info({ usage, jobId }, "ai usage");
}

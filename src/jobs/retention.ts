import type { JobRepository } from "../db/jobs.ts";
import type { Logger } from "../log.ts";

/** How often the purge runs: a text outlives its retention by at most this long. */
export const TEXT_PURGE_EVERY_MS = 6 * 3600_000;

/** The periodic purge of old jobs' texts. */
export interface TextRetention {
  /** Runs one purge now; resolves with how many jobs lost their texts (0 when the database failed, which is logged). */
  purgeNow(): Promise<number>;
  stop(): void;
}

/**
 * Purges the texts of finished jobs older than `days` (message, transcript, on-screen text,
 * summary: the page in Notion holds them) at start and every `everyMs`. Any number of instances
 * may run it: the purge is one idempotent UPDATE.
 */
export function startTextRetention(deps: { jobs: Pick<JobRepository, "purgeTexts">; days: number; log: Logger; everyMs?: number }): TextRetention {
  async function purgeNow(): Promise<number> {
    try {
      const purged = await deps.jobs.purgeTexts(deps.days);
      if (purged > 0) deps.log.info({ purged, days: deps.days }, "purged the texts of old jobs");
      return purged;
    } catch (error) {
      deps.log.warn({ err: error instanceof Error ? error.message : String(error) }, "could not purge old jobs' texts; trying again later");
      return 0;
    }
  }
  const timer = setInterval(() => void purgeNow(), deps.everyMs ?? TEXT_PURGE_EVERY_MS);
  timer.unref();
  void purgeNow();
  return { purgeNow, stop: () => clearInterval(timer) };
}

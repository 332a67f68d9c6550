import type { Database } from "../../src/db/client.ts";
import type { OwnPostgres } from "./postgres.ts";
import type { OwnRedis } from "./redis.ts";
import { killRun, startRun, type ServiceRun } from "./services.ts";

/** One SIGKILL: which worker, when, and the jobs it held at that moment. */
export interface Kill {
  owner: string;
  at: number;
  heldJobs: string[];
}

/** What the chaos did, for the figures. */
export interface ChaosLog {
  kills: Kill[];
  postgresRestartAt?: number;
  redisRestartAt?: number;
  /** Things that went wrong in the soak's own machinery (not the service's). */
  problems: string[];
}

/** What the chaos works on. */
export interface ChaosTargets {
  workers: ServiceRun[];
  /** Every run ever started (killed ones stay here for their logs). */
  runs: ServiceRun[];
  workerEnv: Record<string, string>;
  postgres: OwnPostgres;
  redis: OwnRedis;
  /** The soak's own connection, to see which jobs a killed worker held. */
  db: Database;
}

async function heldBy(db: Database, owner: string): Promise<string[]> {
  const rows = await db.prisma.job.findMany({ where: { status: "RUNNING", leaseOwner: owner }, select: { id: true } }).catch(() => []);
  return rows.map((r) => r.id);
}

/**
 * Kills a worker with SIGKILL every `killEveryMs` (the two in turn) and starts it again at
 * once; restarts Postgres at 40% of `durationMs` and Redis at 60%. Resolves at `durationMs`.
 */
export async function runChaos(targets: ChaosTargets, startedAt: number, durationMs: number, killEveryMs: number, log: ChaosLog, say: (line: string) => void): Promise<void> {
  const endAt = startedAt + durationMs;
  const restarts = [
    { at: startedAt + durationMs * 0.4, what: "postgres" as const },
    { at: startedAt + durationMs * 0.6, what: "redis" as const },
  ];
  let next = startedAt + killEveryMs;
  let turn = 0;
  while (next < endAt) {
    const due = restarts.filter((r) => r.at <= next);
    for (const restart of due) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, restart.at - Date.now())));
      restarts.splice(restarts.indexOf(restart), 1);
      say(`restarting ${restart.what}`);
      const at = Date.now();
      try {
        if (restart.what === "postgres") {
          log.postgresRestartAt = at;
          await targets.postgres.restart();
        } else {
          log.redisRestartAt = at;
          await targets.redis.restart();
        }
      } catch (error) {
        log.problems.push(`restart of ${restart.what} failed: ${String(error)}`);
      }
      say(`${restart.what} back after ${Date.now() - at} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - Date.now())));
    const index = turn % targets.workers.length;
    const victim = targets.workers[index]!;
    await killRun(victim);
    // A dead worker's leases still name it, so this is exactly what it held.
    const heldJobs = await heldBy(targets.db, victim.owner);
    log.kills.push({ owner: victim.owner, at: victim.killedAt!, heldJobs });
    say(`killed worker ${index + 1} holding ${heldJobs.length} job(s)`);
    try {
      const fresh = await startRun("worker", targets.workerEnv);
      targets.workers[index] = fresh;
      targets.runs.push(fresh);
    } catch (error) {
      log.problems.push(`worker ${index + 1} did not start again: ${String(error)}`);
    }
    turn += 1;
    next += killEveryMs;
  }
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, endAt - Date.now())));
}

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { loadConfig } from "../../src/config.ts";
import { openPostgres, type Database } from "../../src/db/client.ts";
import { startTelegramEmulator } from "../../test/emulators/telegram/index.ts";
import { startWorld } from "../../test/harness/world.ts";
import { connectPeople } from "../bench/people.ts";
import { runChaos, type ChaosLog } from "./chaos.ts";
import { allStarted, cleanUpOnSignals, createCleanup, started } from "./cleanup.ts";
import { makeSoakClips } from "./clips.ts";
import { injectFaults } from "./faults.ts";
import { soakFigures, type SoakDetails, type SoakFigures } from "./figures.ts";
import { startOwnPostgres } from "./postgres.ts";
import { startOwnRedis } from "./redis.ts";
import { errorsOf, startRun, type ServiceRun } from "./services.ts";
import { planTraffic, sendTraffic, type SentLink } from "./traffic.ts";

/** How big a soak is. */
export interface SoakOptions {
  /** Two minutes of traffic instead of five, fewer people: what `npm test` runs. */
  short: boolean;
  say(line: string): void;
}

/** What a soak reports. */
export interface SoakResult {
  figures: SoakFigures;
  details: SoakDetails;
  /** Error lines the service processes logged (first few), and the soak's own trouble. */
  errors: string[];
  info: { trafficMs: number; drainMs: number; people: number; loadBefore: number; loadAfter: number };
}

const BOT_TOKEN = "7000000003:soak-token";
const FIRST_USER = 9_000;
const KILL_EVERY_MS = 20_000;

/** Writes every service process's log to a folder that outlives the soak, for reading what went wrong. */
async function keepLogs(runs: ServiceRun[], say: (line: string) => void): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), "reelnotes-soak-logs-"));
  await Promise.all(runs.map((run, i) => writeFile(path.join(dir, `${String(i).padStart(2, "0")}-${run.role}.log`), run.process.output())));
  say(`service logs in ${dir}`);
}

/** How many jobs are not finished, and when any job last changed. */
async function queueState(db: Database): Promise<{ left: number; lastChange: number }> {
  const [left, latest] = await Promise.all([
    db.prisma.job.count({ where: { status: { in: ["QUEUED", "RUNNING"] } } }),
    db.prisma.job.aggregate({ _max: { updatedAt: true } }),
  ]).catch(() => [Number.POSITIVE_INFINITY, { _max: { updatedAt: null } }] as const);
  return { left, lastChange: latest._max.updatedAt?.getTime() ?? 0 };
}

/**
 * Waits until no job is queued or running. A loaded machine only slows the queue down, so
 * it gives up only when nothing has moved for `stalledMs`: what is left then is stuck.
 */
async function drain(db: Database, stalledMs: number, say: (line: string) => void): Promise<void> {
  let lastSaid = 0;
  let lastMove = Date.now();
  let last = await queueState(db);
  for (;;) {
    const now = await queueState(db);
    if (now.left === 0) return;
    if (now.left !== last.left || now.lastChange !== last.lastChange) lastMove = Date.now();
    if (Date.now() - lastMove > stalledMs) return;
    last = now;
    if (Date.now() - lastSaid > 15_000) {
      say(`${now.left} job(s) still to finish`);
      lastSaid = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/**
 * The soak: its own Postgres and Redis, the emulated internet with faults, one bot process and
 * two worker processes of the real service; people share links for `trafficMs` while workers
 * are killed and Postgres and Redis restart; then it waits for the queue to drain and works
 * out the figures.
 */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const { say } = options;
  const trafficMs = options.short ? 120_000 : 300_000;
  const peopleCount = options.short ? 12 : 30;
  const perPerson = options.short ? 5 : 7;
  const loadBefore = loadavg()[0]!;
  const runs: ServiceRun[] = [];
  const chaos: ChaosLog = { kills: [], problems: [] };
  const sent: SentLink[] = [];
  const cleanup = createCleanup((line) => {
    chaos.problems.push(line);
    say(line);
  });
  const forgetSignals = cleanUpOnSignals(cleanup, say);
  try {
    say("starting Postgres, Redis and the emulators, making clips...");
    const [postgres, redis, world, tg, dataDir] = await allStarted(
      started(cleanup, startOwnPostgres(), (pg) => pg.stop()),
      started(cleanup, startOwnRedis(), (r) => r.stop()),
      started(cleanup, startWorld({ visionText: () => ["Stir the risotto"] }), (w) => w.stop()),
      started(cleanup, startTelegramEmulator({ token: BOT_TOKEN, botUsername: "reelnotes_soak_bot" }), (t) => t.stop()),
      started(cleanup, mkdtemp(path.join(tmpdir(), "reelnotes-soak-")), (dir) => rm(dir, { recursive: true, force: true })),
    );
    say(`own Postgres at ${postgres.url}, own Redis at ${redis.url}`);
    const env: Record<string, string> = {
      ...world.env,
      DATABASE_URL: postgres.url,
      REDIS_URL: redis.url,
      DATA_DIR: dataDir,
      TELEGRAM_BOT_TOKEN: BOT_TOKEN,
      TELEGRAM_API_ROOT: tg.url,
      MAX_LINKS_PER_HOUR: "1000",
      JOB_LEASE_SECONDS: "10",
      AI_TIMEOUT_SECONDS: "10",
      DOWNLOAD_TIMEOUT_SECONDS: "60",
    };
    // Every service process, the killed ones' logs too; stopped before the database they use.
    cleanup.add(async () => {
      await keepLogs(runs, say);
      for (const run of runs) {
        if (run.killedAt === undefined) await run.process.kill("SIGKILL");
        await run.stopSampling();
      }
    });
    // The bot process migrates the database; the people are linked once the tables exist.
    const bot = await startRun("bot", env);
    runs.push(bot);
    const db = await openPostgres(postgres.url, undefined, 4);
    cleanup.add(() => db.close());
    const config = loadConfig(env);
    const [clips, people, ...workers] = await Promise.all([
      makeSoakClips(world.mediaDir, world.videoHost, options.short ? { short: 5, long: 1, longSeconds: 40, carousels: 0 } : { short: 8, long: 2, longSeconds: 40, carousels: 1 }),
      connectPeople(db, config, world, tg, Array.from({ length: peopleCount }, (_, i) => FIRST_USER + i)),
      startRun("worker", env),
      startRun("worker", env),
    ]);
    runs.push(...workers);
    say(`service processes: bot pid ${bot.process.child.pid}, workers pid ${workers.map((w) => w.process.child.pid).join(" and ")}`);
    injectFaults(world, tg);

    const plan = planTraffic(people, clips, perPerson, trafficMs);
    say(`${people.length} people send ${plan.length} links over ${trafficMs / 1000} s; a worker is killed every ${KILL_EVERY_MS / 1000} s`);
    const startedAt = Date.now();
    await Promise.all([
      sendTraffic(plan, startedAt, sent),
      runChaos({ workers, runs, workerEnv: env, postgres, redis, db }, startedAt, trafficMs, KILL_EVERY_MS, chaos, say),
    ]);
    say("traffic over; waiting for the queue to drain");
    const drainStarted = Date.now();
    await drain(db, 180_000, say);
    const drainMs = Date.now() - drainStarted;
    // A failure is told before it is recorded, so a drained queue has told everything it will.
    const { figures, details } = await soakFigures({ db, world, tg, sent, runs, chaos });
    const errors = [...chaos.problems, ...runs.flatMap(errorsOf).slice(0, 20)];
    return { figures, details, errors, info: { trafficMs, drainMs, people: people.length, loadBefore, loadAfter: loadavg()[0]! } };
  } finally {
    forgetSignals();
    await cleanup.run();
  }
}

import { mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { loadConfig } from "../../src/config.ts";
import { openPostgres } from "../../src/db/client.ts";
import { contractChecks } from "../../test/emulators/kit.ts";
import { startTelegramEmulator } from "../../test/emulators/telegram/index.ts";
import { startWorld } from "../../test/harness/world.ts";
import { createFreshDatabase, ensureTemplate } from "../../test/harness/postgres.ts";
import { measureColdStarts } from "./cold-start.ts";
import { runConcurrent } from "./concurrent.ts";
import type { BenchContext } from "./context.ts";
import { figuresOf, type BenchFigures, type BenchRun } from "./figures.ts";
import { applyLatencies } from "./latencies.ts";
import { runNaiveBaseline } from "./naive-baseline.ts";
import { runOneAtATime } from "./one-at-a-time.ts";
import { connectPeople } from "./people.ts";
import type { RunInfo } from "./report.ts";
import { startBenchService, type BenchService } from "./service.ts";
import { startTranscriptionDelay } from "./transcription-delay.ts";
import { makeBenchVideos } from "./videos.ts";

/** How big a run is. */
export interface BenchOptions {
  /** One short clip, two people at once: a quick check that the benchmark still works. */
  smoke: boolean;
  say(line: string): void;
}

const BOT_TOKEN = "7000000002:bench-token";
const SOLO_USER = 5_000;
const FIRST_CROWD_USER = 6_000;

/**
 * The whole benchmark: a fresh Postgres database, the emulated internet with realistic
 * latencies, the real service in a child process, then the one-at-a-time run, the naive
 * baseline and the concurrent run, in that order (never overlapping, so each is measured alone).
 */
export async function runBench(options: BenchOptions): Promise<{ info: RunInfo; run: BenchRun; figures: BenchFigures }> {
  const startedAt = new Date();
  const loadBefore = loadavg()[0]!;
  const crowd = options.smoke ? 2 : 20;
  // The emulators stand in for services on other machines: their contract checks (the test
  // suite's job) would take the cores the service is measured on.
  const checking = contractChecks.enabled;
  contractChecks.enabled = false;
  const say = options.say;
  await ensureTemplate();
  const [database, world, tg, dataDir] = await Promise.all([
    createFreshDatabase(),
    startWorld({ visionText: () => ["Step by step: stir the sauce"] }),
    startTelegramEmulator({ token: BOT_TOKEN, botUsername: "reelnotes_bench_bot" }),
    mkdtemp(path.join(tmpdir(), "reelnotes-bench-")),
  ]);
  const transcription = await startTranscriptionDelay(world.openai.url);
  const env = { ...world.env, OPENAI_BASE_URL: `${transcription.url}/v1`, DATABASE_URL: database.url, DATA_DIR: dataDir, TELEGRAM_BOT_TOKEN: BOT_TOKEN, TELEGRAM_API_ROOT: tg.url, MAX_LINKS_PER_HOUR: "1000" };
  const config = loadConfig(env);
  const db = await openPostgres(database.url, undefined, 4);
  const ctx: BenchContext = { world, tg, db, config, say };
  let starting: Promise<BenchService> | undefined;
  try {
    say("making the videos, linking people to Notion, starting the service...");
    starting = startBenchService(env);
    const [videos, [solo, ...people], service] = await Promise.all([
      makeBenchVideos(world.mediaDir, world.videoHost, options.smoke),
      connectPeople(db, config, world, tg, [SOLO_USER, ...Array.from({ length: crowd }, (_, i) => FIRST_CROWD_USER + i)]),
      starting,
    ]);
    applyLatencies(world, tg);

    say("cold starts on embedded defaults...");
    const coldStarts = await measureColdStarts(options.smoke ? 1 : 5);
    say(`  first start ${Math.round(coldStarts.firstMs)} ms; then ${coldStarts.runsMs.map((ms) => `${Math.round(ms)} ms`).join(", ")}`);

    say("one job at a time...");
    const soloJobs = await runOneAtATime(ctx, service, videos, solo!);
    say("naive baseline...");
    const naive = await runNaiveBaseline(ctx, videos, solo!);
    say(`${crowd} people at once...`);
    const concurrent = await runConcurrent(ctx, service, videos[0]!, people);

    const run: BenchRun = { coldStartsMs: coldStarts.runsMs, firstStartMs: coldStarts.firstMs, solo: soloJobs, naive, concurrent, prices: config.prices };
    const info: RunInfo = { startedAt, tookMs: Date.now() - startedAt.getTime(), cores: availableParallelism(), loadBefore, loadAfter: loadavg()[0]!, smoke: options.smoke };
    return { info, run, figures: figuresOf(run) };
  } finally {
    await (await starting?.catch(() => undefined))?.stop();
    await db.close();
    await Promise.all([transcription.stop(), tg.stop(), world.stop(), database.drop(), rm(dataDir, { recursive: true, force: true })]);
    contractChecks.enabled = checking;
  }
}

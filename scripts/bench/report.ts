import type { StageName } from "../../src/jobs/types.ts";
import type { AckDiagnosis } from "./ack-diagnosis.ts";
import type { UsagePrices } from "../../src/config.ts";
import type { UsageTotals } from "../../src/db/usage.ts";
import { checkTargets, costPerVideo, type BenchFigures, type BenchRun } from "./figures.ts";
import { describeLatencies } from "./latencies.ts";
import { median, percentile } from "./percentiles.ts";
import { textTable } from "./text-table.ts";

/** About the run itself, for the report's header. */
export interface RunInfo {
  startedAt: Date;
  tookMs: number;
  cores: number;
  loadBefore: number;
  loadAfter: number;
  smoke: boolean;
}

const STAGES: StageName[] = ["download", "extract", "transcribe", "ocr", "summarize", "publish", "notify"];
const s = (ms: number) => (ms / 1000).toFixed(2);

function soloTable(run: BenchRun): string {
  return textTable(
    ["post", "status", "frames", "vision req", "images", ...STAGES.map((st) => `${st} s`), "bound s", "end-to-end s", "ratio"],
    run.solo.map((j) => [
      j.video.label, j.status, j.frames, j.vision.requests, j.vision.images,
      ...STAGES.map((st) => (j.timings[st] === undefined ? "-" : s(j.timings[st]!))),
      s(j.boundMs), s(j.endToEndMs), j.ratio.toFixed(3),
    ]),
  );
}

/** Where the time beyond the bound went, measured on Telegram's clock. */
function overheadTable(run: BenchRun): string {
  return textTable(
    ["post", "over bound ms", "message->Queued ms", "message->claimed ms", "stage edits", "rest ms"],
    run.solo.map((j) => {
      const over = j.endToEndMs - j.boundMs;
      return [j.video.label, Math.round(over), Math.round(j.queuedMs), Math.round(j.claimedMs), j.edits, Math.round(over - j.claimedMs)];
    }),
  );
}

const usd = (jobs: { usage: UsageTotals }[], prices: UsagePrices) => `$${costPerVideo(jobs, prices).toFixed(5)}`;

function naiveTable(run: BenchRun): string {
  const rows = run.naive.map((n) => {
    const ours = run.solo.find((j) => j.video.name === n.video.name);
    return [
      n.video.label, n.frames, n.vision.requests, s(n.ms), ours ? s(ours.endToEndMs) : "-", ours ? `${(n.ms / ours.endToEndMs).toFixed(2)}×` : "-",
      usd([n], run.prices), ours ? usd([ours], run.prices) : "-",
    ];
  });
  const naive = run.naive.reduce((a, n) => a + n.ms, 0);
  const ours = run.solo.reduce((a, j) => a + j.endToEndMs, 0);
  rows.push([
    "all, one after another (cost: mean per post)", run.naive.reduce((a, n) => a + n.frames, 0), run.naive.reduce((a, n) => a + n.vision.requests, 0), s(naive), s(ours),
    `${(naive / ours).toFixed(2)}×`, usd(run.naive, run.prices), usd(run.solo, run.prices),
  ]);
  return textTable(["post", "naive frames", "naive vision req", "naive s", "ours s", "speedup", "naive cost", "our cost"], rows);
}

function ackLines(d: AckDiagnosis): string[] {
  return [
    `  where the wait went (medians): message -> "Queued" request ${Math.round(d.botWorkMs)} ms (update delivery, the bot's work and its send throttle), request -> shown ${Math.round(d.telegramMs)} ms (Telegram latency)`,
    `  in those ${d.windowMs} ms: service process CPU ${(d.serviceCpuShare * 100).toFixed(0)}% of a core; its main thread waited for a core ${(d.mainThreadWaitShare * 100).toFixed(0)}% of the time (run queue, /proc schedstat); up to ${d.mostChildren} yt-dlp/ffmpeg processes; Bot API calls ${JSON.stringify(d.callsByMethod)}, per 250 ms [${d.callsPerSlot.join(", ")}]`,
  ];
}

function concurrentLines(run: BenchRun): string[] {
  const c = run.concurrent;
  const meanOf = (stage: StageName) => {
    const values = c.timings.map((t) => t[stage]).filter((v): v is number => v !== undefined);
    return values.length ? s(values.reduce((a, b) => a + b, 0) / values.length) : "-";
  };
  return [
    `people: ${c.people}, each sending the same short clip in the same instant (each a job of its own)`,
    `ack (message -> "Queued"): median ${Math.round(median(c.acksMs))} ms, p95 ${Math.round(c.ackP95Ms)} ms, max ${Math.round(Math.max(...c.acksMs))} ms`,
    ...ackLines(c.ackDiagnosis),
    `jobs: ${c.done} done, ${c.failed} failed, ${c.unfinished} unfinished (Notion emulator 429s: ${c.notion429s}); all done ${s(c.wallMs)} s after the first message -> ${c.throughputJobsPerMin.toFixed(1)} jobs/min`,
    `message -> page link: median ${s(median(c.endToEndMs))} s, p95 ${s(percentile(c.endToEndMs, 95))} s`,
    `CPU (service + yt-dlp/ffmpeg children, /proc utime+stime+cutime+cstime): ${c.cpuSecondsPerJob.toFixed(2)} s per job`,
    `peak resident memory: service process ${Math.round(c.peakServiceMb)} MB; with its yt-dlp/ffmpeg children ${Math.round(c.peakTreeMb)} MB (sampled every 250 ms from /proc)`,
    `mean stage service time: ${STAGES.map((st) => `${st} ${meanOf(st)} s`).join(", ")}`,
  ];
}

function figuresTable(f: BenchFigures): string {
  const checks = checkTargets(f);
  return textTable(
    ["figure", "value", "target", "met"],
    (Object.keys(f) as (keyof BenchFigures)[]).map((key) => {
      const check = checks.find((c) => c.figure === key);
      return [key, String(f[key]), check?.target ?? "(reported)", check ? (check.met ? "yes" : "MISSED") : ""];
    }),
  );
}

/** The readable report: latencies first, then each part of the run, then the figures against targets. */
export function renderReport(info: RunInfo, run: BenchRun, figures: BenchFigures): string {
  return [
    `reelnotes benchmark${info.smoke ? " (smoke: one short clip)" : ""} — ${info.startedAt.toISOString()}, ${info.cores} cores, load average ${info.loadBefore.toFixed(1)} before / ${info.loadAfter.toFixed(1)} after, took ${s(info.tookMs)} s`,
    "",
    "Injected latencies:",
    ...describeLatencies().map((l) => `  - ${l}`),
    "",
    "One job at a time (real service in its own process: Telegram message in, Notion page and chat reply out):",
    soloTable(run),
    "",
    "Where the time beyond the bound went (claimed: the worker's log line; stage edits run beside the stages; rest: checkpoint saves, queue hand-offs, the final edit waiting for earlier ones):",
    overheadTable(run),
    "",
    "Naive baseline (stages one after another, a frame per second, one Vision request per frame) against ours, one post at a time; AI cost at the PRICE_* list prices:",
    naiveTable(run),
    "",
    "Concurrent:",
    ...concurrentLines(run).map((l) => `  ${l}`),
    "",
    `Cold start (a new node src/main.ts process on embedded defaults -> /ready 200): ${run.coldStartsMs.map((ms) => `${Math.round(ms)} ms`).join(", ")}; the first start in an empty data folder (creates and migrates the embedded database) ${Math.round(run.firstStartMs)} ms`,
    "",
    "Figures:",
    figuresTable(figures),
  ].join("\n");
}

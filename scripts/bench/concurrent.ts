import { checkpointsOf } from "../../src/jobs/types.ts";
import type { ChatEvent } from "../../test/emulators/telegram/index.ts";
import { waitUntil } from "../../test/harness/service.ts";
import { diagnoseAcks, type AckDiagnosis } from "./ack-diagnosis.ts";
import { firstReply, outcomeReply, sentAt } from "./chat-events.ts";
import type { BenchContext } from "./context.ts";
import { cpuWithChildrenMs, peakBetween } from "./memory.ts";
import type { BenchPerson } from "./people.ts";
import { percentile } from "./percentiles.ts";
import type { BenchService } from "./service.ts";
import type { StageTimings } from "./critical-path.ts";
import type { BenchVideo } from "./videos.ts";

/** Many people sending a link in the same instant. */
export interface ConcurrentRun {
  people: number;
  /** Message -> "Queued" per person, ms. */
  acksMs: number[];
  ackP95Ms: number;
  ackDiagnosis: AckDiagnosis;
  wallMs: number;
  throughputJobsPerMin: number;
  done: number;
  failed: number;
  /** 429s the Notion emulator answered during the run. */
  notion429s: number;
  /** Jobs not finished when the wait gave up. */
  unfinished: number;
  peakServiceMb: number;
  peakTreeMb: number;
  /** Each job's stage service times. */
  timings: StageTimings[];
  /** Message -> outcome per person, ms. */
  endToEndMs: number[];
  /** CPU seconds the service and its children (yt-dlp, ffmpeg) used over the run, per job. */
  cpuSecondsPerJob: number;
}

/** Everyone in `people` sends `video` at once; waits until every job is done or failed. */
export async function runConcurrent(ctx: BenchContext, service: BenchService, video: BenchVideo, people: BenchPerson[]): Promise<ConcurrentRun> {
  const started = Date.now();
  const notion429sBefore = ctx.world.notion.rateLimited;
  const cpuBefore = await cpuWithChildrenMs(service.pid);
  const sends = people.map((p) => p.user.sendText(video.url));
  const replies = await Promise.all(sends.map((sent) => firstReply(ctx.tg, sent)));
  const acks = replies.map((reply, i) => reply.at - sentAt(ctx.tg, sends[i]!));
  const userIds = people.map((p) => p.person.userId);
  const settled = () => ctx.db.prisma.job.findMany({ where: { userId: { in: userIds }, status: { in: ["DONE", "FAILED"] } } });
  await waitUntil(async () => (await settled()).length === people.length, 240_000, "every concurrent job").catch((error: unknown) => ctx.say(`  ${String(error)}`));
  const jobs = await settled();
  // Every job is settled, so every yt-dlp/ffmpeg it ran has exited and been waited for (counted in cutime).
  const cpuMs = (await cpuWithChildrenMs(service.pid)) - cpuBefore;
  const outcomes: ChatEvent[] = await Promise.all(sends.map((sent) => outcomeReply(ctx.tg, sent, 1).catch(() => undefined))).then((all) => all.filter((e): e is ChatEvent => e !== undefined));
  const firstSent = Math.min(...sends.map((s) => sentAt(ctx.tg, s)));
  const finished = Math.max(...outcomes.map((e) => e.at), firstSent);
  const wallMs = finished - firstSent;
  const peak = peakBetween(service.samples, started, Date.now());
  const done = jobs.filter((j) => j.status === "DONE").length;
  return {
    people: people.length,
    acksMs: acks,
    ackP95Ms: percentile(acks, 95),
    ackDiagnosis: diagnoseAcks(ctx.tg, service.samples, sends, replies),
    wallMs,
    throughputJobsPerMin: wallMs > 0 ? (done / wallMs) * 60_000 : 0,
    done,
    failed: jobs.length - done,
    unfinished: people.length - jobs.length,
    notion429s: ctx.world.notion.rateLimited - notion429sBefore,
    peakServiceMb: peak.serviceMb,
    peakTreeMb: peak.treeMb,
    timings: jobs.map((j) => checkpointsOf(j).timings ?? {}),
    endToEndMs: outcomes.map((e) => e.at - firstSent),
    cpuSecondsPerJob: cpuMs / 1000 / people.length,
  };
}

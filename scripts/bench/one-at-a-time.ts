import { createUsageRepository, type UsageTotals } from "../../src/db/usage.ts";
import { checkpointsOf } from "../../src/jobs/types.ts";
import { finishedJob, firstReply, outcomeReply, progressEdits, sentAt } from "./chat-events.ts";
import type { BenchContext } from "./context.ts";
import { criticalPathMs, type StageTimings } from "./critical-path.ts";
import type { BenchPerson } from "./people.ts";
import type { BenchService } from "./service.ts";
import type { BenchVideo } from "./videos.ts";
import { visionUsageSince, type VisionUsage } from "./vision-usage.ts";

/** One job run alone through the real service. */
export interface SoloJob {
  video: BenchVideo;
  status: string;
  /** User's message -> the bot's "Saved to" edit, on Telegram's clock. */
  endToEndMs: number;
  /** Download + extract + max(transcribe, OCR) + summarise + publish + notify, from the job's own timings. */
  boundMs: number;
  ratio: number;
  timings: StageTimings;
  /** User's message -> "Queued". */
  queuedMs: number;
  /** User's message -> the worker claiming the job (service log). */
  claimedMs: number;
  /** Stage edits the person saw before the outcome. */
  edits: number;
  frames: number;
  vision: VisionUsage;
  /** What its AI calls used, as the service recorded it on the job. */
  usage: UsageTotals;
}

/** Sends each video from one person, waiting for its page before sending the next. */
export async function runOneAtATime(ctx: BenchContext, service: BenchService, videos: BenchVideo[], who: BenchPerson): Promise<SoloJob[]> {
  const jobs: SoloJob[] = [];
  const usage = createUsageRepository(ctx.db);
  for (const video of videos) {
    const visionFrom = ctx.world.vision.requests.length;
    const sent = who.user.sendText(video.url);
    const asked = sentAt(ctx.tg, sent);
    const [queued, outcome] = await Promise.all([firstReply(ctx.tg, sent), outcomeReply(ctx.tg, sent, 240_000)]);
    const job = await finishedJob(ctx.db, who.person.userId);
    const checkpoints = checkpointsOf(job);
    const timings = checkpoints.timings ?? {};
    const endToEndMs = outcome.at - asked;
    const boundMs = criticalPathMs(timings);
    const edits = progressEdits(ctx.tg, sent.chatId, queued.messageId!, outcome);
    jobs.push({
      video,
      status: job.status,
      endToEndMs,
      boundMs,
      ratio: endToEndMs / boundMs,
      timings,
      queuedMs: queued.at - asked,
      claimedMs: (service.claimedAt(job.id) ?? Number.NaN) - asked,
      edits: edits.length,
      frames: checkpoints.extract?.frames ?? 0,
      vision: visionUsageSince(ctx.world, visionFrom),
      usage: await usage.totalsOfJob(job.id),
    });
    ctx.say(`  ${video.label}: ${job.status}, ${(endToEndMs / 1000).toFixed(1)} s (bound ${(boundMs / 1000).toFixed(1)} s)`);
  }
  return jobs;
}

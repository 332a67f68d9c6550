import type { Database } from "../../src/db/client.ts";
import type { TelegramEmulator } from "../../test/emulators/telegram/index.ts";
import type { World } from "../../test/harness/world.ts";
import { percentile } from "../bench/percentiles.ts";
import type { ChaosLog } from "./chaos.ts";
import { claimsOf, paidCallsOf, type ServiceRun } from "./services.ts";
import type { SentLink } from "./traffic.ts";

/** The soak's figures (the names). */
export interface SoakFigures {
  jobs: number;
  /** Links answered "Queued" that never ended saved or with a sentence to the person, plus links never answered at all. */
  jobsLost: number;
  duplicatePages: number;
  /**
   * Transcription, Vision or Gemini answers the service received beyond one per job and stage
   * (per audio chunk for transcription), counted per job from the services' own usage logs.
   */
  repeatedPaidCalls: number;
  /** Jobs still queued or running when the soak gave up waiting. */
  stuckJobs: number;
  /** From the link's job being made to its page, 95th percentile over saved jobs. */
  pageP95Ms: number;
  /** From a SIGKILL until every job the worker held was claimed again (or, holding none, the next claim anywhere). */
  maxRecoveryMs: number;
  /** Surviving processes: mean resident memory of the last minute against the first, worst process. */
  rssGrowthPct: number;
}

/** Everything else worth printing beside the figures. */
export interface SoakDetails {
  linksSent: number;
  linksUnanswered: number;
  queuedReplies: number;
  /** Where a "Queued" answer ended instead of saved or a sentence: its last text and its edits in order, to tell what overwrote it. */
  lostQueued: { chatId: number; text: string; edits: string[] }[];
  done: number;
  failed: number;
  failures: Record<string, number>;
  /** Successful calls as the emulators counted them. */
  paidCalls: { transcriptions: number; vision: number; gemini: number };
  /** Answers sent that no living caller received: the call was in flight when its worker was killed. */
  paidCallsCutByKills: number;
  injectedFaults: number;
  kills: number;
  maxAttempts: number;
}

const STARTS_ANSWER = ["Queued: ", "Already working on ", "Already saved: "];

function linksLostInChat(tg: TelegramEmulator, sent: SentLink[]): { unanswered: number; queued: number; lostQueued: SoakDetails["lostQueued"] } {
  let unanswered = 0;
  let queued = 0;
  const lostQueued: SoakDetails["lostQueued"] = [];
  for (const chatId of new Set(sent.map((s) => s.chatId))) {
    const botMessages = tg.transcript(chatId).filter((m) => m.from === "bot");
    const firstText = (m: (typeof botMessages)[number]) => m.edits.length > 0 ? (tg.events.find((e) => e.kind === "bot-message" && e.chatId === chatId && e.messageId === m.messageId)?.text ?? m.text) : m.text;
    const mine = sent.filter((s) => s.chatId === chatId);
    for (const url of new Set(mine.map((s) => s.url))) {
      const answers = botMessages.filter((m) => STARTS_ANSWER.some((start) => firstText(m).startsWith(start)) && firstText(m).includes(url));
      unanswered += Math.max(0, mine.filter((s) => s.url === url).length - answers.length);
      for (const answer of answers.filter((m) => firstText(m).startsWith("Queued: "))) {
        queued += 1;
        if (!/^(Saved to|Couldn't)/.test(answer.text)) lostQueued.push({ chatId, text: answer.text, edits: answer.edits.map((e) => e.slice(0, 80)) });
      }
    }
  }
  return { unanswered, queued, lostQueued };
}

function okCount(requests: { status?: number; path: string }[], path: string): number {
  return requests.filter((r) => r.status === 200 && r.path.includes(path)).length;
}

function meanMb(samples: { at: number; serviceMb: number }[]): number {
  return samples.reduce((sum, s) => sum + s.serviceMb, 0) / Math.max(1, samples.length);
}

/** Growth of a run that lived through the whole soak: its last minute against its first. */
function growthPct(run: ServiceRun): number | undefined {
  const samples = run.samples.filter((s) => s.serviceMb > 0);
  if (run.killedAt !== undefined || samples.length < 120) return undefined;
  const first = samples.filter((s) => s.at < samples[0]!.at + 60_000);
  const last = samples.filter((s) => s.at > samples.at(-1)!.at - 60_000);
  return ((meanMb(last) - meanMb(first)) / meanMb(first)) * 100;
}

function recoveryMs(log: ChaosLog, runs: ServiceRun[]): number {
  const claims = runs.flatMap(claimsOf).sort((a, b) => a.at - b.at);
  let worst = 0;
  for (const kill of log.kills) {
    const after = claims.filter((c) => c.at >= kill.at);
    const times = kill.heldJobs.length > 0 ? kill.heldJobs.map((id) => after.find((c) => c.jobId === id)?.at) : [after[0]?.at];
    for (const at of times) worst = Math.max(worst, (at ?? Date.now()) - kill.at);
  }
  return worst;
}

async function duplicatePagesIn(world: World): Promise<number> {
  const pagesPerJob = new Map<string, number>();
  for (const page of world.notion.pages) {
    const text = JSON.stringify(world.notion.blocksOf(page.id).map((b) => b.plainText));
    const jobId = /job ([0-9a-f-]{36})/.exec(text)?.[1] ?? `unmarked:${page.id}`;
    pagesPerJob.set(jobId, (pagesPerJob.get(jobId) ?? 0) + 1);
  }
  return [...pagesPerJob.values()].reduce((sum, n) => sum + n - 1, 0);
}

/** Works the figures out from the database, the emulators, the chats and the processes' logs. */
export async function soakFigures(input: { db: Database; world: World; tg: TelegramEmulator; sent: SentLink[]; runs: ServiceRun[]; chaos: ChaosLog }): Promise<{ figures: SoakFigures; details: SoakDetails }> {
  const { db, world, tg, sent, runs, chaos } = input;
  const jobs = await db.prisma.job.findMany();
  const chat = linksLostInChat(tg, sent);
  const done = jobs.filter((j) => j.status === "DONE");
  const failed = jobs.filter((j) => j.status === "FAILED");
  const stuck = jobs.filter((j) => j.status === "QUEUED" || j.status === "RUNNING");

  // One answer per job and stage; transcription one per audio chunk (told apart by its index).
  const received = new Map<string, number>();
  for (const call of runs.flatMap(paidCallsOf)) received.set(call.key, (received.get(call.key) ?? 0) + 1);
  const repeatedPaidCalls = [...received.values()].reduce((n, count) => n + count - 1, 0);
  const paidCalls = {
    transcriptions: okCount(world.openai.requests, "/audio/transcriptions"),
    vision: okCount(world.vision.requests, "images:annotate"),
    gemini: okCount(world.gemini.requests, ":generateContent"),
  };
  const receivedCount = [...received.values()].reduce((n, count) => n + count, 0);

  const growths = runs.map(growthPct).filter((g): g is number => g !== undefined);
  const failures: Record<string, number> = {};
  for (const job of failed) failures[`${job.errorKind}: ${job.errorMessage}`] = (failures[`${job.errorKind}: ${job.errorMessage}`] ?? 0) + 1;
  const emulators = [world.openai, world.vision, world.gemini, world.notion, world.videoHost, tg];
  return {
    figures: {
      jobs: jobs.length,
      jobsLost: chat.lostQueued.length + chat.unanswered,
      duplicatePages: await duplicatePagesIn(world),
      repeatedPaidCalls,
      stuckJobs: stuck.length,
      pageP95Ms: Math.round(percentile(done.map((j) => j.finishedAt!.getTime() - j.createdAt.getTime()), 95)),
      maxRecoveryMs: recoveryMs(chaos, runs),
      rssGrowthPct: growths.length > 0 ? Math.round(Math.max(...growths) * 10) / 10 : 0,
    },
    details: {
      linksSent: sent.length,
      linksUnanswered: chat.unanswered,
      queuedReplies: chat.queued,
      lostQueued: chat.lostQueued,
      done: done.length,
      failed: failed.length,
      failures,
      paidCalls,
      paidCallsCutByKills: Math.max(0, paidCalls.transcriptions + paidCalls.vision + paidCalls.gemini - receivedCount),
      injectedFaults: emulators.reduce((n, e) => n + e.requests.filter((r) => r.fault).length, 0),
      kills: chaos.kills.length,
      maxAttempts: Math.max(0, ...jobs.map((j) => j.attempts)),
    },
  };
}

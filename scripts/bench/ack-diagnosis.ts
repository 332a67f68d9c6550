import type { ChatEvent, SentMessage, TelegramEmulator } from "../../test/emulators/telegram/index.ts";
import type { MemorySample } from "./memory.ts";
import { median } from "./percentiles.ts";

/**
 * Where the wait for "Queued" went, on Telegram's clock: message -> Queued request (update
 * delivery, the bot's own work and its send throttle), Queued request -> shown (Telegram's latency).
 * Alongside: every Bot API call in the window, the service's CPU use and its child processes.
 */
export interface AckDiagnosis {
  windowMs: number;
  /** Medians of the two parts of the wait, ms. */
  botWorkMs: number;
  telegramMs: number;
  /** Bot API calls (long polls excluded) in the window, by method. */
  callsByMethod: Record<string, number>;
  /** Calls arriving in each 250 ms slot from the first message on. */
  callsPerSlot: number[];
  /** Share of one core the service's process used in the window (1 = a core fully busy). */
  serviceCpuShare: number;
  /** Most yt-dlp/ffmpeg processes seen running below the service in the window. */
  mostChildren: number;
  /**
   * Share of the window the service's main thread spent ready to run but waiting for a core
   * (the kernel's run-queue wait): high means the replies were starved of CPU by other processes.
   */
  mainThreadWaitShare: number;
}

const SLOT_MS = 250;

function methodOf(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

function firstCallAt(tg: TelegramEmulator, method: string, chatId: number, after: number): number | undefined {
  return tg.requests.find((r) => r.at >= after && methodOf(r.path) === method && Number((r.body as { chat_id?: unknown } | undefined)?.chat_id) === chatId)?.at;
}

function shareOf(samples: MemorySample[], from: number, to: number, used: (s: MemorySample) => number): number {
  const before = samples.filter((s) => s.at <= from).at(-1);
  const after = samples.find((s) => s.at >= to);
  if (!before || !after || after.at === before.at) return Number.NaN;
  return (used(after) - used(before)) / (after.at - before.at);
}

/** Diagnoses the acks of `sends` (answered by `replies`) from Telegram's log and the service's samples. */
export function diagnoseAcks(tg: TelegramEmulator, samples: MemorySample[], sends: SentMessage[], replies: ChatEvent[]): AckDiagnosis {
  const asked = sends.map((sent) => tg.events.find((e) => e.seq === sent.seq)!.at);
  const from = Math.min(...asked);
  const to = Math.max(...replies.map((r) => r.at));
  const parts = sends.map((sent, i) => {
    const queued = firstCallAt(tg, "sendMessage", sent.chatId, asked[i]!) ?? replies[i]!.at;
    return { work: queued - asked[i]!, telegram: replies[i]!.at - queued };
  });
  const calls = tg.requests.filter((r) => r.at >= from && r.at <= to && methodOf(r.path) !== "getUpdates");
  const callsByMethod: Record<string, number> = {};
  for (const call of calls) callsByMethod[methodOf(call.path)] = (callsByMethod[methodOf(call.path)] ?? 0) + 1;
  const callsPerSlot = Array.from({ length: Math.ceil((to - from + 1) / SLOT_MS) }, () => 0);
  for (const call of calls) callsPerSlot[Math.floor((call.at - from) / SLOT_MS)]! += 1;
  const inside = samples.filter((s) => s.at >= from && s.at <= to);
  return {
    windowMs: to - from,
    botWorkMs: median(parts.map((p) => p.work)),
    telegramMs: median(parts.map((p) => p.telegram)),
    callsByMethod,
    callsPerSlot,
    serviceCpuShare: shareOf(samples, from, to, (s) => s.cpuMs),
    mainThreadWaitShare: shareOf(samples, from, to, (s) => s.runQueueWaitMs),
    mostChildren: Math.max(0, ...inside.map((s) => s.children)),
  };
}

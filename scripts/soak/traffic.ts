import { seededRandom } from "../../test/emulators/kit.ts";
import type { BenchPerson } from "../bench/people.ts";
import type { SoakClip } from "./clips.ts";

/** One message a person sent: a link. */
export interface SentLink {
  chatId: number;
  url: string;
  at: number;
  /** A link this person had sent before. */
  repeat: boolean;
}

/** One planned message: who, which clip, when (ms after the start). */
interface PlannedSend {
  person: BenchPerson;
  clip: SoakClip;
  atMs: number;
  repeat: boolean;
}

/**
 * Each person shares `perPerson` different clips (a long one now and then) at random moments
 * of `durationMs`, and one of them a second time later on, as people do when nothing seems
 * to happen. Seeded, so a run can be replayed.
 */
export function planTraffic(people: BenchPerson[], clips: SoakClip[], perPerson: number, durationMs: number, seed = 7): PlannedSend[] {
  const random = seededRandom(seed);
  const plan: PlannedSend[] = [];
  people.forEach((person, p) => {
    const mine = Array.from({ length: perPerson }, (_, i) => clips[(p * 3 + i) % clips.length]!);
    const times = mine.map(() => Math.floor(random() * durationMs * 0.9)).sort((a, b) => a - b);
    mine.forEach((clip, i) => plan.push({ person, clip, atMs: times[i]!, repeat: false }));
    const again = Math.floor(random() * mine.length);
    plan.push({ person, clip: mine[again]!, atMs: Math.min(durationMs - 1, times[again]! + Math.floor(random() * durationMs * 0.3) + 1000), repeat: true });
  });
  return plan.sort((a, b) => a.atMs - b.atMs);
}

/** Sends the plan in real time; resolves when the last message is sent. */
export async function sendTraffic(plan: PlannedSend[], startedAt: number, sent: SentLink[]): Promise<void> {
  for (const item of plan) {
    const wait = startedAt + item.atMs - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    item.person.user.sendText(item.clip.url);
    sent.push({ chatId: item.person.user.id, url: item.clip.url, at: Date.now(), repeat: item.repeat });
  }
}

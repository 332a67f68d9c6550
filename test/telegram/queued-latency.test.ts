import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ScriptedUser } from "../emulators/telegram/index.ts";
import { connectedPerson } from "../harness/service.ts";
import { startTelegramWorld, type TelegramWorld } from "./telegram-world.ts";

/**
 * How long a person waits for "Queued" after sending a link: from the moment the update is
 * available to the bot to the moment the reply reaches Telegram, on the emulator's clock.
 * Logged, not asserted (timings belong to benchmarks); the worker is off so only intake counts.
 */

const UPDATES = 50;
const PEOPLE = 20;

let w: TelegramWorld;
let people: ScriptedUser[];

beforeAll(async () => {
  w = await startTelegramWorld({ env: { WORKER_ENABLED: "false", MAX_LINKS_PER_HOUR: "1000" } });
  people = [];
  for (let i = 0; i < PEOPLE; i += 1) {
    const id = 9_100 + i;
    await connectedPerson(w.service, w.world, String(id));
    people.push(w.tg.user(id, { firstName: `Reader ${i}` }));
  }
});
afterAll(async () => w?.stop());

/** A distinct TikTok-shaped link on the local video host (never downloaded: the worker is off). */
const videoLink = (n: number) => `${w.world.videoHost.url}/@reader/video/${7_100_000_000_000_000_000n + BigInt(n)}`;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function summary(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  return `median ${percentile(sorted, 50)} ms, p95 ${percentile(sorted, 95)} ms, max ${sorted.at(-1)} ms (n=${sorted.length})`;
}

/** Milliseconds from the user's message to the bot's "Queued" reply in that chat. */
async function queuedAfter(user: ScriptedUser, sent: { seq: number; chatId: number }, url: string): Promise<number> {
  const asked = w.tg.events.find((e) => e.seq === sent.seq)!;
  const reply = await w.tg.waitFor((e) => e.seq > sent.seq && e.chatId === user.id && e.text === `Queued: ${url}`, 15_000);
  return reply.at - asked.at;
}

describe("time from a shared link to the Queued reply", () => {
  it("one message at a time, round robin over ten people", async () => {
    const samples: number[] = [];
    for (let i = 0; i < UPDATES; i += 1) {
      const user = people[i % PEOPLE]!;
      const url = videoLink(i);
      samples.push(await queuedAfter(user, user.sendText(url), url));
    }
    console.log(`Queued reply, one at a time: ${summary(samples)}`);
    expect(samples).toHaveLength(UPDATES);
  });

  it("twenty people sending one link each at the same instant", async () => {
    // The figure printed includes any wait for the bot's send budget (30 messages a second overall) left by the test before.
    const sent = people.map((user, i) => {
      const url = videoLink(3 * UPDATES + i);
      return { user, url, message: user.sendText(url) };
    });
    const samples = await Promise.all(sent.map(({ user, url, message }) => queuedAfter(user, message, url)));
    console.log(`Queued reply, ${PEOPLE} people at once: ${summary(samples)}`);
    expect(samples).toHaveLength(PEOPLE);
  });

  it("a burst of fifty messages from twenty people at once", async () => {
    const sent = Array.from({ length: UPDATES }, (_, i) => {
      const user = people[i % PEOPLE]!;
      const url = videoLink(UPDATES + i);
      return { user, url, message: user.sendText(url) };
    });
    const samples = await Promise.all(sent.map(({ user, url, message }) => queuedAfter(user, message, url)));
    console.log(`Queued reply, burst of ${UPDATES}: ${summary(samples)}`);
    const jobs = await w.service.db.prisma.job.count({ where: { status: "QUEUED" } });
    expect(jobs).toBe(2 * UPDATES + PEOPLE);
  });
});

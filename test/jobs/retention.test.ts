import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Person } from "../../src/db/people.ts";
import { createRepositories, type Repositories } from "../../src/db/repositories.ts";
import { createTokenCipher } from "../../src/db/token-cipher.ts";
import { startTextRetention } from "../../src/jobs/retention.ts";
import { createLogger } from "../../src/log.ts";
import { openFreshDatabase } from "../harness/postgres.ts";

/** JOB_TEXT_RETENTION_DAYS: finished jobs older than the retention lose their texts; nothing else changes. */

const DAY = 24 * 3600_000;
const quiet = createLogger({ logLevel: "silent", logPretty: false });
const TEXTS = {
  speechChunks: [{ index: 0, text: "boil the water" }],
  transcribe: { text: "Boil the water first.", audioSeconds: 3, segments: [] },
  ocr: { text: "Boil water", lines: ["Boil water"], images: 1, requests: 1 },
  summarize: { title: "Pasta", summary: "How to boil pasta." },
};
const KEPT = { download: { title: "Pasta", uploader: "chef" }, publish: { pageId: "p", url: "https://notion.so/p" } };

let fresh: Awaited<ReturnType<typeof openFreshDatabase>>;
let repos: Repositories;
let ada: Person;
let n = 0;

beforeAll(async () => {
  fresh = await openFreshDatabase();
  repos = createRepositories(fresh.db, createTokenCipher([{ id: "primary", key: randomBytes(32).toString("base64") }]));
  ada = await repos.people.ensurePerson({ platform: "TELEGRAM", externalUserId: "retention-1", chatId: "retention-1" });
});
afterAll(async () => fresh?.cleanup());

/** A job with every text, `daysOld` days old, in `status`. */
async function jobWithTexts(daysOld: number, status: "DONE" | "FAILED" | "QUEUED" | "WAITING_FOR_SCHEMA"): Promise<string> {
  n += 1;
  const url = `https://www.tiktok.com/@chef/video/73000000000000${String(n).padStart(5, "0")}`;
  const job = await repos.jobs.create({ userId: ada.userId, identityId: ada.identityId, sourceText: `look at this ${url}`, canonicalUrl: url, platform: "tiktok", schemaId: null, status: "QUEUED" });
  await fresh.db.prisma.job.update({ where: { id: job.id }, data: { status, checkpoints: { ...TEXTS, ...KEPT }, createdAt: new Date(Date.now() - daysOld * DAY) } });
  return job.id;
}

const row = (id: string) => fresh.db.prisma.job.findUniqueOrThrow({ where: { id } });

describe("purging old jobs' texts", () => {
  it("nulls the message and drops transcript, on-screen text and summary of finished jobs older than the retention only", async () => {
    const oldDone = await jobWithTexts(31, "DONE");
    const oldFailed = await jobWithTexts(45, "FAILED");
    const recent = await jobWithTexts(29, "DONE");
    const oldWaiting = await jobWithTexts(40, "WAITING_FOR_SCHEMA");
    const recentBefore = await row(recent);
    const waitingBefore = await row(oldWaiting);

    expect(await repos.jobs.purgeTexts(30)).toBe(2);

    for (const id of [oldDone, oldFailed]) {
      const purged = await row(id);
      expect(purged.sourceText).toBeNull();
      expect(purged.checkpoints).toEqual(KEPT);
      expect(purged.canonicalUrl).toMatch(/^https:\/\/www\.tiktok\.com\//);
    }
    expect(await row(recent)).toEqual(recentBefore);
    expect(await row(oldWaiting)).toEqual(waitingBefore);
    expect(await repos.jobs.purgeTexts(30)).toBe(0);
  });

  it("purges at start and again on every period of the timer", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    try {
      const calls: number[] = [];
      const retention = startTextRetention({ jobs: { purgeTexts: async (days) => (calls.push(days), 0) }, days: 7, log: quiet, everyMs: 1000 });
      expect(calls).toEqual([7]);
      await vi.advanceTimersByTimeAsync(2000);
      expect(calls).toEqual([7, 7, 7]);
      retention.stop();
      await vi.advanceTimersByTimeAsync(5000);
      expect(calls).toHaveLength(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it("keeps running when the database fails a purge", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    try {
      let attempts = 0;
      const retention = startTextRetention({
        jobs: { purgeTexts: async () => { attempts += 1; if (attempts === 1) throw new Error("database down"); return 4; } },
        days: 30,
        log: quiet,
        everyMs: 1000,
      });
      await vi.advanceTimersByTimeAsync(1000);
      expect(attempts).toBe(2);
      expect(await retention.purgeNow()).toBe(4);
      retention.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});

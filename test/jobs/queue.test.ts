import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client.ts";
import { createJobRepository, LeaseLostError, type JobRepository } from "../../src/db/jobs.ts";
import { retryDelayMs } from "../../src/jobs/backoff.ts";
import { acceptLinks, type LinkSubmission } from "../../src/jobs/intake.ts";
import { checkpointsOf } from "../../src/jobs/types.ts";
import { parseVideoLinks } from "../../src/links.ts";
import { MemoryStateStore } from "../../src/state/index.ts";
import { openFreshDatabase } from "../harness/postgres.ts";

const LEASE = 60_000;

describe("the job queue", () => {
  let database: Awaited<ReturnType<typeof openFreshDatabase>>;
  let db: Database;
  let jobs: JobRepository;
  let state: MemoryStateStore;

  beforeAll(async () => {
    database = await openFreshDatabase();
    db = database.db;
    jobs = createJobRepository(db);
  });
  afterAll(() => database.cleanup());
  beforeEach(async () => {
    state = new MemoryStateStore();
    await db.prisma.job.deleteMany();
  });

  async function person(name: string) {
    const identity = await db.prisma.chatIdentity.create({
      data: { platform: "TELEGRAM", externalUserId: name, dmChatId: name, user: { create: {} } },
    });
    const schema = await db.prisma.notionSchema.create({
      data: { userId: identity.userId, databaseId: "db", dataSourceId: `ds-${name}`, title: "Recipes", tag: "recipes", properties: {} },
    });
    return { userId: identity.userId, identityId: identity.id, schemaId: schema.id };
  }

  function submission(who: Awaited<ReturnType<typeof person>>, ids: number[]): LinkSubmission {
    const text = ids.map((id) => `https://www.tiktok.com/@chef/video/73000000000${String(id).padStart(8, "0")}`).join(" ");
    return { ...who, sourceText: text, links: parseVideoLinks(text), status: "QUEUED" };
  }

  it("writes a job row for every new link before anything is answered", async () => {
    const ada = await person("ada");
    const outcomes = await acceptLinks({ jobs, state, maxLinksPerHour: 30 }, submission(ada, [1, 2]));
    expect(outcomes.map((o) => o.kind)).toEqual(["queued", "queued"]);
    expect(await db.prisma.job.count({ where: { userId: ada.userId, status: "QUEUED" } })).toBe(2);
  });

  it("answers a person over the hourly limit with a wait, and keeps counting per person", async () => {
    const bob = await person("bob");
    const carol = await person("carol");
    const outcomes = await acceptLinks({ jobs, state, maxLinksPerHour: 3 }, submission(bob, [1, 2, 3, 4]));
    expect(outcomes.map((o) => o.kind)).toEqual(["queued", "queued", "queued", "rate_limited"]);
    const limited = outcomes[3]!;
    expect(limited.kind === "rate_limited" && limited.retryInMinutes).toBeGreaterThan(0);
    expect((await acceptLinks({ jobs, state, maxLinksPerHour: 3 }, submission(carol, [1])))[0]!.kind).toBe("queued");
  });

  it("never gives one job to two workers claiming at once", async () => {
    const dan = await person("dan");
    await acceptLinks({ jobs, state, maxLinksPerHour: 30 }, submission(dan, [1, 2, 3, 4, 5, 6]));
    const claims = await Promise.all(Array.from({ length: 12 }, (_, i) => jobs.claimNext(`worker-${i}`, LEASE, 100)));
    const claimed = claims.filter((j) => j !== undefined).map((j) => j.id);
    expect(claimed).toHaveLength(6);
    expect(new Set(claimed).size).toBe(6);
  });

  it("lets one person's fifty links not starve another person's one", async () => {
    const eve = await person("eve");
    const frank = await person("frank");
    await acceptLinks({ jobs, state, maxLinksPerHour: 100 }, submission(eve, Array.from({ length: 50 }, (_, i) => i)));
    await acceptLinks({ jobs, state, maxLinksPerHour: 100 }, submission(frank, [99]));
    const first = [];
    for (let i = 0; i < 3; i += 1) first.push(await jobs.claimNext("w", LEASE, 2));
    expect(first.map((j) => j?.userId)).toEqual([eve.userId, eve.userId, frank.userId]);
  });

  it("hands an expired lease to another worker and stops the old one from writing", async () => {
    const gina = await person("gina");
    await acceptLinks({ jobs, state, maxLinksPerHour: 30 }, submission(gina, [1]));
    const job = (await jobs.claimNext("crashed", LEASE, 5))!;
    expect(await jobs.claimNext("other", LEASE, 5)).toBeUndefined();
    await db.prisma.job.update({ where: { id: job.id }, data: { leaseUntil: new Date(Date.now() - 1000) } });
    const reclaimed = (await jobs.claimNext("other", LEASE, 5))!;
    expect(reclaimed.id).toBe(job.id);
    await expect(jobs.renewLease(job, "crashed", LEASE)).rejects.toBeInstanceOf(LeaseLostError);
    await expect(jobs.saveCheckpoint(job, "crashed", "EXTRACT", { extract: { frames: 1, audioChunks: 0 } })).rejects.toBeInstanceOf(LeaseLostError);
  });

  it("carries on the cut-short attempt when it takes over a lapsed lease, and counts the next run from the queue", async () => {
    const gus = await person("gus");
    await acceptLinks({ jobs, state, maxLinksPerHour: 30 }, submission(gus, [1]));
    let job = (await jobs.claimNext("first", LEASE, 5))!;
    for (const owner of ["second", "third"]) {
      // Its worker was killed: the lease runs out and another worker takes the job over.
      await db.prisma.job.update({ where: { id: job.id }, data: { leaseUntil: new Date(Date.now() - 1000) } });
      job = (await jobs.claimNext(owner, LEASE, 5))!;
      expect(job.attempts).toBe(1);
    }
    // The deaths are counted apart, so a job that kills every worker running it can be stopped.
    expect(job.takeovers).toBe(2);
    // Dying again in the same stage keeps the count; a stage never reached before is progress
    // (the kills were around the job, as in the soak), and so is a run that ends on its own.
    await jobs.saveCheckpoint(job, "third", "DOWNLOAD", {});
    expect((await jobs.find(job.id))!.takeovers).toBe(2);
    await jobs.saveCheckpoint(job, "third", "EXTRACT", {});
    expect((await jobs.find(job.id))!.takeovers).toBe(0);
    await jobs.retryLater(job, "third", new Date(Date.now() - 1000), "server_error", "Gemini said 503");
    expect((await jobs.claimNext("fourth", LEASE, 5))!.attempts).toBe(2);
  });

  it("merges checkpoints of parallel stages without losing either", async () => {
    const hal = await person("hal");
    await acceptLinks({ jobs, state, maxLinksPerHour: 30 }, submission(hal, [1]));
    const job = (await jobs.claimNext("w", LEASE, 5))!;
    await Promise.all([
      jobs.saveCheckpoint(job, "w", "ANALYZE", { transcribe: { text: "spoken", audioSeconds: 3, segments: [] } }),
      jobs.saveCheckpoint(job, "w", "ANALYZE", { ocr: { text: "shown", lines: ["shown"], images: 1, requests: 1 } }),
    ]);
    const saved = checkpointsOf((await jobs.find(job.id))!);
    expect(saved.transcribe?.text).toBe("spoken");
    expect(saved.ocr?.text).toBe("shown");
  });

  it("retries a failed job from its checkpoints when the person asks", async () => {
    const ivy = await person("ivy");
    const jack0 = await person("ivys-neighbour");
    await acceptLinks({ jobs, state, maxLinksPerHour: 30 }, submission(ivy, [1]));
    const job = (await jobs.claimNext("w", LEASE, 5))!;
    await jobs.saveCheckpoint(job, "w", "SUMMARIZE", { transcribe: { text: "kept", audioSeconds: 1, segments: [] } });
    await jobs.fail(job, "w", "server_error", { key: "error.transient" });
    expect(await jobs.retryFailed(jack0.userId, job.id)).toBeUndefined();
    const again = (await jobs.retryFailed(ivy.userId, job.id))!;
    expect(again.status).toBe("QUEUED");
    expect(checkpointsOf(again).transcribe?.text).toBe("kept");
    expect((await jobs.claimNext("w2", LEASE, 5))?.id).toBe(job.id);
  });

  it("gives a job back at shutdown without counting the attempt", async () => {
    const jack = await person("jack");
    await acceptLinks({ jobs, state, maxLinksPerHour: 30 }, submission(jack, [1]));
    const job = (await jobs.claimNext("w", LEASE, 5))!;
    await jobs.release(job, "w");
    const back = (await jobs.claimNext("w2", LEASE, 5))!;
    expect(back.id).toBe(job.id);
    expect(back.attempts).toBe(1);
  });

  it("waits longer after each failed attempt, never less than the service asked", () => {
    const half = () => 0.5;
    expect(retryDelayMs(1, undefined, half)).toBe(1500);
    expect(retryDelayMs(3, undefined, half)).toBe(6000);
    expect(retryDelayMs(1, 10_000, half)).toBe(10_000);
    expect(retryDelayMs(30, undefined, () => 1)).toBe(300_000);
  });
});

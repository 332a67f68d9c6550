import { describe, expect, it } from "vitest";
import type { ChatAdapter, ChatPlatform, OutgoingMessage } from "../../src/chat/adapter.ts";
import { createProgressSink } from "../../src/chat/progress.ts";
import { createLogger } from "../../src/log.ts";
import { memoryRepositories } from "../harness/memory-repositories.ts";

/** Ada's job for video `n`, queued, with message 7 following it. */
async function adaJob(repos: ReturnType<typeof memoryRepositories>, n: number) {
  const person = await repos.people.ensurePerson({ platform: "TELEGRAM", externalUserId: `100${n}`, chatId: `100${n}`, displayName: "Ada" });
  const url = `https://www.tiktok.com/@chef/video/730000000000000000${n}`;
  const job = await repos.jobs.create({ userId: person.userId, identityId: person.identityId, sourceText: url, canonicalUrl: url, platform: "tiktok", schemaId: null, status: "QUEUED" });
  await repos.jobs.addProgressMessage(job.id, { platform: "TELEGRAM", chatId: `100${n}`, messageId: "7" });
  return job;
}

/**
 * Each worker process has its own progress sink. A worker whose lease lapsed (a database restart,
 * a stall) may still be running the job when its successor has finished it and shown the result:
 * its late stage edits must not cover that result.
 */
describe("progress edits of a job", () => {
  it("show a stage only while the worker that sends it still holds the job; the outcome always", async () => {
    const repos = memoryRepositories();
    const queued = await adaJob(repos, 1);
    const edits: string[] = [];
    const adapter: ChatAdapter = {
      platform: "TELEGRAM",
      send: async (chatId) => ({ chatId, messageId: "8" }),
      edit: async (_chatId, _messageId, message: OutgoingMessage) => void edits.push(message.text),
      typing: async () => undefined,
    };
    const adapters = new Map<ChatPlatform, ChatAdapter>([["TELEGRAM", adapter]]);
    const log = createLogger({ logLevel: "silent", logPretty: false });
    const earlier = await repos.jobs.claimNext("worker-a", 60_000, 10);
    expect(earlier?.id).toBe(queued.id);
    // Worker A's lease lapsed and worker B took the job over (as a takeover claim leaves the row).
    repos.tables.jobs.get(queued.id)!.leaseOwner = "worker-b";
    const successor = { ...earlier!, leaseOwner: "worker-b" };

    await createProgressSink(repos, adapters, log).stage({ type: "stage", job: earlier!, stage: "transcribe" });
    expect(edits).toEqual([]);
    await createProgressSink(repos, adapters, log).stage({ type: "stage", job: successor, stage: "publish" });
    expect(edits).toHaveLength(1);
    await createProgressSink(repos, adapters, log).failed({ type: "failed", job: earlier!, kind: "bug", text: { key: "error.transient" } });
    expect(edits).toHaveLength(2);
  });

  it("show the outcome, once the end is recorded, on a message that began to follow the job while it was being told", async () => {
    const repos = memoryRepositories();
    const job = await adaJob(repos, 2);
    const edits: { messageId: string; text: string }[] = [];
    const adapter: ChatAdapter = {
      platform: "TELEGRAM",
      send: async (chatId) => ({ chatId, messageId: "9" }),
      edit: async (_chatId, messageId, message: OutgoingMessage) => void edits.push({ messageId, text: message.text }),
      typing: async () => undefined,
    };
    const sink = createProgressSink(repos, new Map<ChatPlatform, ChatAdapter>([["TELEGRAM", adapter]]), createLogger({ logLevel: "silent", logPretty: false }));
    const running = (await repos.jobs.claimNext("worker-a", 60_000, 10))!;

    await sink.failed({ type: "failed", job: running, kind: "bug", text: { key: "error.transient" } });
    // The same link sent again: its "Queued" joined the job after the failure was shown, before it was recorded.
    await repos.jobs.addProgressMessage(job.id, { platform: "TELEGRAM", chatId: "1002", messageId: "8" });
    await repos.jobs.fail(running, "worker-a", "bug", { key: "error.transient" });
    await sink.ended!(job.id);

    expect(edits.map((e) => e.messageId)).toEqual(["7", "8"]);
    expect(edits[1]!.text).toBe(edits[0]!.text);
    expect(edits[1]!.text).toMatch(/^Couldn't save/);
  });
});

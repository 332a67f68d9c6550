import { describe, expect, it } from "vitest";
import type { ChatAdapter, ChatPlatform, OutgoingMessage } from "../../src/chat/adapter.ts";
import { createProgressSink } from "../../src/chat/progress.ts";
import { createLogger } from "../../src/log.ts";
import { memoryRepositories } from "../harness/memory-repositories.ts";

/**
 * Each worker process has its own progress sink. A worker whose lease lapsed (a database restart,
 * a stall) may still be running the job when its successor has finished it and shown the result:
 * its late stage edits must not cover that result.
 */
describe("progress edits of a job", () => {
  it("show a stage only while the worker that sends it still holds the job; the outcome always", async () => {
    const repos = memoryRepositories();
    const person = await repos.people.ensurePerson({ platform: "TELEGRAM", externalUserId: "1001", chatId: "1001", displayName: "Ada" });
    const queued = await repos.jobs.create({
      userId: person.userId,
      identityId: person.identityId,
      sourceText: "https://www.tiktok.com/@chef/video/7300000000000000001",
      canonicalUrl: "https://www.tiktok.com/@chef/video/7300000000000000001",
      platform: "tiktok",
      schemaId: null,
      status: "QUEUED",
    });
    await repos.jobs.addProgressMessage(queued.id, { platform: "TELEGRAM", chatId: "1001", messageId: "7" });
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
});

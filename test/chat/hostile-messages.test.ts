/**
 * Random and hostile payloads at the edges of the conversation (fast-check): the link parser and
 * the chat core never throw, and every message or command gets a sentence back.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ChatSender, OutgoingMessage, Reply } from "../../src/chat/adapter.ts";
import { createChatCore } from "../../src/chat/core.ts";
import { parseVideoLinks, MAX_LINK_LENGTH } from "../../src/links.ts";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/log.ts";
import { MemoryStateStore } from "../../src/state/index.ts";
import { memoryRepositories } from "../harness/memory-repositories.ts";

/** Pieces of links, schemes, hosts and tricks, glued in random order with random text between. */
const fragment = fc.oneof(
  fc.string(),
  fc.string({ unit: "grapheme" }),
  fc.constantFrom(
    "https://", "http://", "javascript:", "www.tiktok.com", "vm.tiktok.com/", "tiktok.com@evil.example", "instagram.com/reel/",
    "/@chef/video/", "7234567890123456789", "/p/", "Cabc123xyz", "?a=1&b=", "#", "%2F", "..", "//", "\u202e", "\u0000", "　", "[x](", ")", "/start", "@",
  ),
);
const message = fc.array(fragment, { maxLength: 20 }).map((parts) => parts.join(""));

function core() {
  const repos = memoryRepositories();
  return createChatCore({
    repos,
    state: new MemoryStateStore(),
    log: createLogger({ logLevel: "silent", logPretty: false }),
    publicUrl: "https://reelnotes.example",
    linkOptions: {},
    maxLinksPerHour: 30,
    prices: loadConfig({}).prices,
    wakeWorker: () => undefined,
    refreshDatabases: async (userId) => repos.schemas.list(userId),
    revokeNotion: async () => true,
  });
}

function recorder() {
  const said: OutgoingMessage[] = [];
  const reply: Reply = async (outgoing) => (said.push(outgoing), { chatId: "1", messageId: String(said.length) });
  return { said, reply };
}

const sender: ChatSender = { platform: "TELEGRAM", externalUserId: "42", chatId: "42", displayName: "Fuzz" };
/** A sentence: something to read that ends like one (or an ellipsis of progress). */
const isSentence = (text: string) => /\S/.test(text) && /[.?!…:)]\s*$|\/\S+$/.test(text.trim());

describe("hostile chat input", () => {
  it("parseVideoLinks never throws and gives only canonical, unique, bounded links", () => {
    fc.assert(
      fc.property(message, (text) => {
        const links = parseVideoLinks(text);
        for (const link of links) {
          expect(link.url).toMatch(/^https:\/\/(?:www\.tiktok\.com|vm\.tiktok\.com|vt\.tiktok\.com|www\.instagram\.com)\//);
          expect(link.url.length).toBeLessThanOrEqual(MAX_LINK_LENGTH);
        }
        expect(new Set(links.map((l) => l.key)).size).toBe(links.length);
      }),
      { numRuns: 500 },
    );
  });

  it("answers every text message with at least one sentence and never rejects", async () => {
    await fc.assert(
      fc.asyncProperty(message, async (text) => {
        const { said, reply } = recorder();
        await core().handleText(sender, text, reply);
        expect(said.length).toBeGreaterThan(0);
        for (const outgoing of said) expect(isSentence(outgoing.text), outgoing.text).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it("answers any command name and argument with a sentence", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.constantFrom("start", "tag", "status", "help", "disconnect", "connect")), fc.string(), async (name, argument) => {
        const { said, reply } = recorder();
        await core().handleCommand(sender, name, argument, reply);
        expect(said.length).toBeGreaterThan(0);
        for (const outgoing of said) expect(isSentence(outgoing.text), outgoing.text).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it("ignores button data it never made, and refuses a retry of no job with a sentence, without throwing", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.constantFrom("retry:", "tag:x", "use:../", "disconnect:maybe"), fc.uuid().map((id) => `retry:${id}`)), async (data) => {
        const { said, reply } = recorder();
        await core().handleButton(sender, data, reply);
        // Nothing for data it never made; one sentence ("can't be retried") for a well-formed retry of no job.
        expect(said.length).toBe(/^retry:[0-9a-f-]{36}$/.test(data) ? 1 : 0);
        for (const outgoing of said) expect(isSentence(outgoing.text), outgoing.text).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

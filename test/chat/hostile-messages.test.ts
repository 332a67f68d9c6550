/**
 * Random and hostile payloads at the edges of the conversation (fast-check): the link parser and
 * the chat core never throw, and every message or command gets a sentence back.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ChatSender, OutgoingMessage, Reply } from "../../src/chat/adapter.ts";
import { MAX_LINK_LENGTH, parseVideoLinks } from "../../src/links.ts";
import { hostileCore as core, hostileMessage as message, isSentence } from "./hostile-input.ts";

function recorder() {
  const said: OutgoingMessage[] = [];
  const reply: Reply = async (outgoing) => (said.push(outgoing), { chatId: "1", messageId: String(said.length) });
  return { said, reply };
}

const sender: ChatSender = { platform: "TELEGRAM", externalUserId: "42", chatId: "42", displayName: "Fuzz" };

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

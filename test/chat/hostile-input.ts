/**
 * What the property tests of hostile chat input share: the random messages (fast-check), the real
 * chat core on in-memory repositories, and what counts as a sentence back.
 */
import fc from "fast-check";
import { createChatCore, type ChatCore } from "../../src/chat/core.ts";
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
    "<b>", "</a>", "&amp;", "<@123>", "@everyone", "*", "_", "`", "||", "\n",
  ),
);

/** A random, often hostile, chat message. */
export const hostileMessage = fc.array(fragment, { maxLength: 20 }).map((parts) => parts.join(""));

/** The real chat core over in-memory repositories and state, not connected to anything. */
export function hostileCore(): ChatCore {
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

/** A sentence: something to read that ends like one (or an ellipsis of progress, or a command to send). */
export const isSentence = (text: string) => /\S/.test(text) && /[.?!…:)。？！]\s*$|\/\S+$/.test(text.trim());

/** Collects unhandled promise rejections while a property runs; `stop()` returns them. */
export function watchUnhandledRejections(): { stop(): unknown[] } {
  const seen: unknown[] = [];
  const onRejection = (reason: unknown) => void seen.push(reason);
  process.on("unhandledRejection", onRejection);
  return {
    stop() {
      process.off("unhandledRejection", onRejection);
      return seen;
    },
  };
}

import type { TextEntity } from "./html.ts";

/**
 * The entities Telegram clients attach to what a person types: commands, links and hashtags.
 * grammY's `bot.command()` relies on the `bot_command` entity, so scripted messages need them.
 */

const PATTERNS: { type: string; pattern: RegExp }[] = [
  { type: "bot_command", pattern: /(?<=^|\s)\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])/g },
  { type: "url", pattern: /\bhttps?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]'}]/gi },
  { type: "hashtag", pattern: /(?<=^|[^\p{L}\p{N}_#])#[\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*/gu },
];

/** Finds the entities a Telegram client would mark in `text` (UTF-16 offsets). */
export function detectEntities(text: string): TextEntity[] {
  const entities: TextEntity[] = [];
  for (const { type, pattern } of PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      entities.push({ type, offset: match.index, length: match[0].length });
    }
  }
  return entities.sort((a, b) => a.offset - b.offset);
}

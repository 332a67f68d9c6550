/**
 * The emulator's answer to the database-picking call (src/ai/database-picker.ts): the database
 * whose listed title, description and property names share the most words with the video's
 * material, first listed on a tie, as a real model would judge it on plain topic overlap.
 */

interface PickSchema {
  properties?: { database?: { enum?: string[] }; reason?: unknown };
}

/** True when the response schema is the picker's: a `database` enum and a `reason`. */
export function isPickSchema(schema: unknown): boolean {
  const properties = (schema as PickSchema | undefined)?.properties;
  return Array.isArray(properties?.database?.enum) && properties?.reason !== undefined;
}

const words = (text: string) =>
  new Set(
    text
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter((w) => w.length >= 4)
      .map((w) => w.replace(/s$/, "")),
  );

/** Picks from the prompt's `<databases>` list by word overlap with the rest of the prompt. */
export function answerPick(schema: unknown, userText: string): { database: string; reason: string } {
  const tags = (schema as PickSchema).properties!.database!.enum!;
  const [material = "", listed = ""] = userText.split(/<databases>/);
  const video = words(material);
  const blocks = listed.split(/\n(?=- tag: )/).filter((b) => b.startsWith("- tag: ") || b.includes("\n- tag: "));
  let best = { tag: tags[0]!, score: 0 };
  for (const block of blocks) {
    const tag = /- tag: (.+)/.exec(block)?.[1]?.trim();
    if (!tag || !tags.includes(tag)) continue;
    const score = [...words(block.replace(/^- tag: .+$/m, ""))].filter((w) => video.has(w)).length;
    if (score > best.score) best = { tag, score };
  }
  return { database: best.tag, reason: best.score > 0 ? `It shares ${best.score} topic words with the video.` : "No database fits better than the first." };
}

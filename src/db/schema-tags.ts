/**
 * Tags: the short names a person types after /tag to pick a database, unique per person and
 * stable across re-syncs (`recipes`, `recipes-2`).
 */

const MAX_TAG_LENGTH = 32;

/**
 * The tag a person types to pick a data source: the title lower-cased, letters and digits of
 * any script kept, emoji and punctuation dropped, words joined by "-".
 * "🍳 Recipes" -> "recipes", "レシピ" -> "レシピ", "Watch later!" -> "watch-later".
 */
export function tagFromTitle(title: string): string {
  const words = title
    .normalize("NFKC")
    .toLowerCase()
    .split(/[^\p{L}\p{N}\p{M}]+/u)
    .filter(Boolean);
  const tag = Array.from(words.join("-")).slice(0, MAX_TAG_LENGTH).join("").replace(/-+$/, "");
  return tag || "untitled";
}

/** `base`, or `base-2`, `base-3`... whichever is free. */
function freeTag(base: string, taken: Set<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n += 1) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

/**
 * Which tag each source gets (by data source id): a source keeps its current tag while its
 * title still gives the same one; the others get the first free tag of their title.
 */
export function assignTags(sources: { dataSourceId: string; title: string }[], existing: Map<string, string>): Map<string, string> {
  const tags = new Map<string, string>();
  const taken = new Set<string>();
  for (const source of sources) {
    const current = existing.get(source.dataSourceId);
    const base = tagFromTitle(source.title);
    // Tags hold only letters, digits, marks and "-", so `base` is safe inside a pattern.
    const stillFits = current !== undefined && new RegExp(`^${base}(-\\d+)?$`, "u").test(current);
    if (current && stillFits && !taken.has(current)) {
      tags.set(source.dataSourceId, current);
      taken.add(current);
    }
  }
  for (const source of sources) {
    if (tags.has(source.dataSourceId)) continue;
    const tag = freeTag(tagFromTitle(source.title), taken);
    tags.set(source.dataSourceId, tag);
    taken.add(tag);
  }
  return tags;
}

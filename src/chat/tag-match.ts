/** Database choice by name: ignores case, accents and emoji, and suggests close names. */

/** Lower case, no accents, no emoji or punctuation, single spaces. */
export function normaliseName(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/** Something a person can choose by name. */
export interface Named {
  title: string;
  tag: string;
}

/** The database `query` names (by tag or title), or up to three close suggestions. */
export function matchByName<T extends Named>(query: string, options: T[]): { match?: T; suggestions: T[] } {
  const wanted = normaliseName(query);
  if (!wanted) return { suggestions: [] };
  // "recipes!" and "Recipes" normalise alike; what the person typed exactly wins.
  const literal = options.find((o) => o.tag === query.trim() || o.title.toLowerCase() === query.trim().toLowerCase());
  if (literal) return { match: literal, suggestions: [] };
  const keysOf = (o: T) => [normaliseName(o.tag), normaliseName(o.title)];
  const exact = options.find((o) => keysOf(o).includes(wanted));
  if (exact) return { match: exact, suggestions: [] };
  const prefixed = options.filter((o) => keysOf(o).some((k) => k.startsWith(wanted)));
  if (prefixed.length === 1) return { match: prefixed[0], suggestions: [] };
  const scored = options
    .map((o) => ({ o, score: Math.min(...keysOf(o).map((k) => (k.includes(wanted) || wanted.includes(k) ? 0 : distance(k, wanted)))) }))
    .filter(({ score, o }) => score <= Math.max(2, Math.floor(Math.min(wanted.length, o.title.length) / 2)))
    .sort((a, b) => a.score - b.score);
  return { suggestions: scored.slice(0, 3).map((s) => s.o) };
}

/** `#tag` words in a message (not inside links). */
export function hashtagsIn(text: string): string[] {
  const withoutLinks = text.replace(/\bhttps?:\/\/\S+/gi, " ");
  return [...withoutLinks.matchAll(/(?:^|\s)#([\p{L}\p{N}_-]+)/gu)].map((m) => m[1]!);
}

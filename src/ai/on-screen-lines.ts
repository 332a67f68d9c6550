/**
 * Merging the text of many frames: the same caption stays on screen for several frames and
 * OCR reads it slightly differently each time, so a line counts as seen when it is close to
 * one seen before, not only when it is identical.
 */

/** How alike two normalised lines must be (1 = identical) to count as the same caption. */
const SAME_LINE_SIMILARITY = 0.8;

/** Lowercase letters and digits separated by single spaces: what is left of a line once case, punctuation and spacing stop mattering. */
export function normaliseLine(line: string): string {
  return line
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** How alike two normalised lines are, from 0 to 1 (1 = identical); lines with different digits score 0. */
export function lineSimilarity(a: string, b: string): number {
  // Numbers carry the meaning of "Step 1" versus "Step 2": lines with different digits differ.
  if (a.replace(/\D/g, "") !== b.replace(/\D/g, "")) return 0;
  const longest = Math.max(a.length, b.length);
  return longest === 0 ? 1 : 1 - editDistance(a, b) / longest;
}

/**
 * Lines of all frames, in order of first appearance, each distinct line once. Lines with fewer
 * than two letters or digits are OCR noise (edges, icons) and are dropped.
 */
export function mergeOnScreenLines(framesLines: string[][]): string[] {
  const kept: string[] = [];
  const seen: string[] = [];
  for (const line of framesLines.flat()) {
    const text = line.replace(/\s+/g, " ").trim();
    const key = normaliseLine(text);
    if (key.replace(/ /g, "").length < 2) continue;
    if (seen.some((other) => lineSimilarity(other, key) >= SAME_LINE_SIMILARITY)) continue;
    seen.push(key);
    kept.push(text);
  }
  return kept;
}

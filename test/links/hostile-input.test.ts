import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { containsAnyLink, parseVideoLinks } from "../../src/links.ts";

const ID = "7234567890123456789";
const LINK = `https://www.tiktok.com/@chef/video/${ID}`;
const LENGTH = 100_000;
/**
 * Linear code reads these messages in milliseconds; the quadratic patterns took 10-30 s for each one.
 * A synchronous test over its timeout fails when it returns, so a regression fails here rather than passing slowly.
 */
const LINEAR_BOUND_MS = 15_000;

/** Pieces that made the old patterns backtrack: runs of word characters, dashes and dots with no path after them. */
const noPathPiece = fc.constantFrom("a", "-", ".", "_", "Z9", "é", "a.", "a-", "..", ".a");
/** The same with the characters that start a link or a path, still never a whole supported link. */
const anyPiece = fc.constantFrom("a", "-", ".", "/", ":", "http:", "https:/", "?", "!", ",", "@", "%", "tiktok.com", "www.", "#");

/** `unit` repeated to about {@link LENGTH} characters: one hostile message. */
function repeated(unit: string[]): string {
  const text = unit.join("");
  return text.repeat(Math.ceil(LENGTH / text.length));
}

describe("patterns that read chat messages are linear on large hostile input", () => {
  it("tells 'no link' from a long run of words, dashes and dots at once", () => {
    fc.assert(
      fc.property(fc.array(noPathPiece, { minLength: 1, maxLength: 8 }), (unit) => {
        const text = repeated(unit);
        expect(containsAnyLink(text)).toBe(false);
        expect(containsAnyLink(`${text} https://example.com`)).toBe(true);
      }),
      { numRuns: 10 },
    );
  }, LINEAR_BOUND_MS);

  it("finds the one real link after 100,000 hostile characters", () => {
    fc.assert(
      fc.property(fc.array(anyPiece, { minLength: 1, maxLength: 8 }), (unit) => {
        const links = parseVideoLinks(`${repeated(unit)} ${LINK}`);
        expect(links.map((link) => link.key)).toContain(`tiktok:${ID}`);
      }),
      { numRuns: 10 },
    );
  }, LINEAR_BOUND_MS);

  it("reads a link ending in 100,000 dots and one letter as no link, without backtracking", () => {
    expect(parseVideoLinks(`tiktok.com/@a/video/${ID}${".".repeat(LENGTH)}a`)).toEqual([]);
    expect(parseVideoLinks(`a${".".repeat(LENGTH)}a ${LINK}`)).toHaveLength(1);
  }, LINEAR_BOUND_MS);
});

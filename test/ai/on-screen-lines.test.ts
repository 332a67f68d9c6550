import { describe, expect, it } from "vitest";
import { mergeOnScreenLines } from "../../src/ai/index.ts";

describe("merging the lines of many frames", () => {
  it("keeps each line once, in order of first appearance, ignoring case, punctuation and spacing", () => {
    expect(mergeOnScreenLines([["Step one: boil water"], ["STEP ONE  boil water!", "Step two"], ["step two"]])).toEqual([
      "Step one: boil water",
      "Step two",
    ]);
  });

  it("treats a slightly misread repeat as the same caption", () => {
    expect(mergeOnScreenLines([["Step three: enjoy"], ["Step three: enjoy Ee"], ["Step thrce: enjoy"]])).toEqual(["Step three: enjoy"]);
  });

  it("keeps lines that differ only in their numbers", () => {
    expect(mergeOnScreenLines([["Day 1 of 30"], ["Day 2 of 30"]])).toEqual(["Day 1 of 30", "Day 2 of 30"]);
  });

  it("drops OCR noise of fewer than two letters or digits", () => {
    expect(mergeOnScreenLines([["|", "0", "=", "OK"]])).toEqual(["OK"]);
  });
});

import { describe, expect, it } from "vitest";
import { chooseDistinctSamples, spread } from "../../src/media/index.ts";

const SIZE = 128 * 128;

/** A grey picture with light noise, and optionally a "caption" block of `text` brightness. */
function picture(seed: number, caption?: { row: number; level: number }): Buffer {
  const buffer = Buffer.alloc(SIZE);
  let state = seed;
  for (let i = 0; i < SIZE; i++) {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    buffer[i] = 100 + (state % 12);
  }
  if (caption) for (let i = caption.row * 128; i < (caption.row + 4) * 128; i++) buffer[i] = caption.level;
  return buffer;
}

describe("chooseDistinctSamples", () => {
  it("keeps the first sample and ignores noise", () => {
    const samples = Array.from({ length: 20 }, (_, i) => picture(i));
    expect(chooseDistinctSamples(samples)).toEqual([0]);
  });

  it("keeps one sample per caption, from safely inside each caption's time", () => {
    const samples = [
      ...Array.from({ length: 5 }, (_, i) => picture(i, { row: 90, level: 250 })),
      ...Array.from({ length: 5 }, (_, i) => picture(i + 5, { row: 100, level: 250 })),
      ...Array.from({ length: 5 }, (_, i) => picture(i + 10, { row: 110, level: 0 })),
    ];
    expect(chooseDistinctSamples(samples)).toEqual([0, 6, 11]);
  });

  it("waits for a fade to settle instead of keeping every step of it", () => {
    const levels = [100, 140, 180, 220, 250, 250, 250];
    const samples = levels.map((level, i) => picture(i, { row: 60, level }));
    expect(chooseDistinctSamples(samples)).toEqual([0, 5]);
  });
});

describe("spread", () => {
  it("keeps everything under the cap, else the first and an even spread", () => {
    expect(spread([1, 2, 3], 5)).toEqual([1, 2, 3]);
    expect(spread([0, 1, 2, 3, 4, 5, 6, 7, 8], 3)).toEqual([0, 4, 8]);
    expect(spread([0, 1, 2], 1)).toEqual([0]);
  });
});

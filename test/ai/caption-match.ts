import { lineSimilarity, normaliseLine } from "../../src/ai/on-screen-lines.ts";

/**
 * For each caption, how many OCR lines are a reading of it (at least 60% alike once case and
 * punctuation are ignored). Tesseract misreads a letter or a word on busy backgrounds, so exact
 * text is too strict; "each caption once" is `[1, 1, 1]`.
 */
export function captionsFound(lines: string[], captions: string[]): number[] {
  return captions.map((caption) => lines.filter((line) => lineSimilarity(normaliseLine(caption), normaliseLine(line)) >= 0.6).length);
}

import type { Summary, SummaryMissing } from "../summary.ts";
import type { Checkpoints } from "./types.ts";

/** The first non-empty line of `text`, cut to a title's length. */
function firstLine(text: string | undefined): string | undefined {
  const line = (text ?? "").split("\n").map((l) => l.trim()).find(Boolean);
  return line ? line.slice(0, 120) : undefined;
}

/**
 * The summary of a page made without the model (refused, unusable, or no Gemini key): a title
 * from the post, its caption or its on-screen text, no properties of the model's, and why.
 * The page body still carries the caption, on-screen text, transcript and link.
 */
export function summaryWithoutModel(checkpoints: Checkpoints, missing: SummaryMissing): Summary {
  const download = checkpoints.download;
  const title = firstLine(download?.title) ?? firstLine(download?.caption) ?? firstLine(checkpoints.ocr?.text) ?? (download?.uploader ? `Video by ${download.uploader}` : "Saved video");
  const caption = (download?.caption ?? "").trim();
  return { title, summary: caption, keyPoints: [], properties: {}, missing };
}

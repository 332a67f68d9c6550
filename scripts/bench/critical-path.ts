import type { Checkpoints } from "../../src/jobs/types.ts";

/** A job's measured stage service times (ms), as the pipeline stores them. */
export type StageTimings = NonNullable<Checkpoints["timings"]>;

/**
 * The least time a job could take given its own measured stage times: every stage one after
 * another, except transcription and OCR, which may overlap, and the picture uploads to Notion,
 * which only the page needs and so may overlap transcription, OCR and the summary. A stage that
 * did not run counts 0.
 * Transcription's time is the wall time of the clip's chunk requests sent side by side (the
 * audio is cut at pauses into chunks of at most 30 s), so the bound no longer holds the sum of
 * per-chunk latencies: a long clip's bound is what parallel chunks allow, not a serial upload.
 */
export function criticalPathMs(t: StageTimings): number {
  const analysis = Math.max(t.transcribe ?? 0, t.ocr ?? 0) + (t.summarize ?? 0);
  return (t.download ?? 0) + (t.extract ?? 0) + Math.max(analysis, t.pictures ?? 0) + (t.publish ?? 0) + (t.notify ?? 0);
}

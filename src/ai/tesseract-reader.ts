import type { Logger } from "../log.ts";
import { mergeOnScreenLines } from "./on-screen-lines.ts";
import { createTesseractPool } from "./tesseract-pool.ts";
import type { OnScreenText, OnScreenTextReader } from "./types.ts";
import { reportUsage } from "./usage.ts";

/**
 * OCR on this machine with tesseract.js, used when no Google credentials are configured.
 * The worker pool is created on the first read and lives until `close`.
 */
export function createTesseractReader(workers: number, log: Logger): OnScreenTextReader {
  const pool = createTesseractPool(workers);
  return {
    async read(framePaths, call = {}) {
      call.signal?.throwIfAborted();
      const started = performance.now();
      const frames = await Promise.all(framePaths.map((p) => pool.recognise(p)));
      const lines = mergeOnScreenLines(frames.map((f) => f.lines));
      log.debug({ frames: framePaths.length, ms: Math.round(performance.now() - started), jobId: call.jobId }, "local ocr done");
      reportUsage(log, { provider: "tesseract", images: framePaths.length }, call);
      const text: OnScreenText = { lines, text: lines.join("\n"), images: framePaths.length, requests: 0, engine: "tesseract" };
      return text;
    },
    close: () => pool.terminate(),
  };
}

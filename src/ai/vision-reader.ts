import { readFile } from "node:fs/promises";
import { TransientError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { mergeOnScreenLines } from "./on-screen-lines.ts";
import { defaultRetryPolicy, withRetries, type RetryPolicy } from "./retry.ts";
import type { OnScreenText, OnScreenTextReader } from "./types.ts";
import { reportUsage } from "./usage.ts";
import { MAX_IMAGES_PER_REQUEST, TRANSIENT_RPC_CODES, type AnnotateBatch } from "./vision-batch.ts";

/**
 * OCR with Google Vision TEXT_DETECTION: frames go up in batches of 16 (one request for a
 * normal video), and the lines of all frames are merged, each distinct line once.
 */
export function createVisionReader(annotate: AnnotateBatch, log: Logger, retry: RetryPolicy = defaultRetryPolicy): OnScreenTextReader {
  return {
    async read(framePaths, call = {}) {
      const framesLines: string[][] = [];
      let requests = 0;
      for (let first = 0; first < framePaths.length; first += MAX_IMAGES_PER_REQUEST) {
        const paths = framePaths.slice(first, first + MAX_IMAGES_PER_REQUEST);
        const images = await Promise.all(paths.map((p) => readFile(p)));
        const results = await withRetries(
          async () => {
            requests += 1;
            const answer = await annotate(images, call.signal);
            const busy = answer.find((r) => "error" in r && TRANSIENT_RPC_CODES.has(r.error.code));
            if (busy && "error" in busy) throw new TransientError("server_error", `vision image failed: ${busy.error.message}`);
            return answer;
          },
          { policy: retry, log, what: `vision batch of ${images.length}`, signal: call.signal },
        );
        results.forEach((result, i) => {
          if ("error" in result) log.warn({ frame: paths[i], error: result.error, jobId: call.jobId }, "vision could not read a frame");
          else framesLines.push(result.lines);
        });
      }
      reportUsage(log, { provider: "vision", images: framePaths.length }, call);
      const lines = mergeOnScreenLines(framesLines);
      const text: OnScreenText = { lines, text: lines.join("\n"), images: framePaths.length, requests, engine: "vision" };
      return text;
    },
    async close() {},
  };
}

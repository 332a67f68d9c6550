import PQueue from "p-queue";
import type { Config } from "../config.ts";

/** One p-queue per kind of work, shared by every job of this process. */
export interface StageQueues {
  download: PQueue;
  ffmpeg: PQueue;
  transcribe: PQueue;
  ocr: PQueue;
  summarize: PQueue;
}

/** Builds the per-stage queues from JOBS concurrency settings. */
export function createStageQueues(concurrency: Config["jobs"]["concurrency"]): StageQueues {
  return {
    download: new PQueue({ concurrency: concurrency.download }),
    ffmpeg: new PQueue({ concurrency: concurrency.ffmpeg }),
    transcribe: new PQueue({ concurrency: concurrency.transcribe }),
    ocr: new PQueue({ concurrency: concurrency.ocr }),
    summarize: new PQueue({ concurrency: concurrency.summarize }),
  };
}

import { createRequire } from "node:module";
import Tesseract from "tesseract.js";

const require = createRequire(import.meta.url);
/** The English model shipped in npm (@tesseract.js-data/eng): read from disk, never downloaded. */
const english = require("@tesseract.js-data/eng") as { code: string; gzip: boolean; langPath: string };

/** Lines whose confidence is below this are mostly shapes in the picture read as letters. */
const MIN_LINE_CONFIDENCE = 50;

/** A word tesseract found, with its box in pixels. */
export interface RecognisedWord {
  text: string;
  box: { x0: number; y0: number; x1: number; y1: number };
}

/** What tesseract read on one image. */
export interface RecognisedImage {
  lines: string[];
  words: RecognisedWord[];
}

/** A fixed number of tesseract workers, created once on first use and shared by every call. */
export interface TesseractPool {
  recognise(image: string | Buffer): Promise<RecognisedImage>;
  terminate(): Promise<void>;
}

/** Starts (lazily) a pool of `workers` tesseract.js workers loading the npm-shipped English model. */
export function createTesseractPool(workers: number): TesseractPool {
  let ready: Promise<Tesseract.Scheduler> | undefined;

  async function start(): Promise<Tesseract.Scheduler> {
    const scheduler = Tesseract.createScheduler();
    const created = await Promise.all(
      Array.from({ length: workers }, () =>
        Tesseract.createWorker(english.code, Tesseract.OEM.LSTM_ONLY, {
          langPath: english.langPath,
          gzip: english.gzip,
          // "none": neither read nor write a cached copy in the working directory.
          cacheMethod: "none",
        }),
      ),
    );
    for (const worker of created) {
      // Sparse text: captions float over pictures, not in page-like columns; the fixed DPI
      // stops tesseract guessing one (and logging about it) for every frame.
      await worker.setParameters({ tessedit_pageseg_mode: Tesseract.PSM.SPARSE_TEXT, user_defined_dpi: "300" });
      scheduler.addWorker(worker);
    }
    return scheduler;
  }

  return {
    async recognise(image) {
      ready ??= start();
      const scheduler = await ready;
      const { data } = await scheduler.addJob("recognize", image, {}, { text: true, blocks: true });
      const lines = (data.blocks ?? [])
        .flatMap((block) => block.paragraphs)
        .flatMap((paragraph) => paragraph.lines)
        .filter((line) => line.confidence >= MIN_LINE_CONFIDENCE);
      return {
        lines: lines.map((line) => line.text.trim()).filter(Boolean),
        words: lines.flatMap((line) => line.words).map((word) => ({ text: word.text, box: word.bbox })),
      };
    },
    async terminate() {
      if (!ready) return;
      const scheduler = await ready;
      ready = undefined;
      await scheduler.terminate();
    },
  };
}

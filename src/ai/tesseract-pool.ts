import { createRequire } from "node:module";
import PQueue from "p-queue";
import Tesseract from "tesseract.js";

const require = createRequire(import.meta.url);
/** The English model shipped in npm (@tesseract.js-data/eng): read from disk, never downloaded. */
const english = require("@tesseract.js-data/eng") as { code: string; gzip: boolean; langPath: string };

/** Lines whose confidence is below this are mostly shapes in the picture read as letters. */
const MIN_LINE_CONFIDENCE = 50;

/** Tesseract's global Otsu threshold, and Leptonica's tiled one (see `readFrame`). */
const GLOBAL_THRESHOLD = "0";
const TILED_THRESHOLD = "1";

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

async function startWorker(): Promise<Tesseract.Worker> {
  const worker = await Tesseract.createWorker(english.code, Tesseract.OEM.LSTM_ONLY, {
    langPath: english.langPath,
    gzip: english.gzip,
    // "none": neither read nor write a cached copy in the working directory.
    cacheMethod: "none",
  });
  // Sparse text: captions float over pictures, not in page-like columns. The fixed DPI stops a guess per frame.
  await worker.setParameters({ tessedit_pageseg_mode: Tesseract.PSM.SPARSE_TEXT, user_defined_dpi: "300" });
  return worker;
}

async function recogniseWith(worker: Tesseract.Worker, image: string | Buffer, threshold: string): Promise<RecognisedImage> {
  await worker.setParameters({ thresholding_method: threshold });
  const { data } = await worker.recognize(image, {}, { text: true, blocks: true });
  const lines = (data.blocks ?? [])
    .flatMap((block) => block.paragraphs)
    .flatMap((paragraph) => paragraph.lines)
    .filter((line) => line.confidence >= MIN_LINE_CONFIDENCE);
  return {
    lines: lines.map((line) => line.text.trim()).filter(Boolean),
    words: lines.flatMap((line) => line.words).map((word) => ({ text: word.text, box: word.bbox })),
  };
}

/**
 * Reads one frame. The global threshold reads most captions cleanly but loses a caption box that
 * spans light and dark parts of the picture; only when it finds nothing is the frame read again
 * with the tiled threshold, which finds such captions at the price of more broken lines.
 */
async function readFrame(worker: Tesseract.Worker, image: string | Buffer): Promise<RecognisedImage> {
  const first = await recogniseWith(worker, image, GLOBAL_THRESHOLD);
  if (first.lines.some((line) => /[\p{L}\p{N}]{2}/u.test(line))) return first;
  return recogniseWith(worker, image, TILED_THRESHOLD);
}

/** Starts (lazily) a pool of `workers` tesseract.js workers loading the npm-shipped English model. */
export function createTesseractPool(workers: number): TesseractPool {
  const queue = new PQueue({ concurrency: workers });
  let ready: Promise<Tesseract.Worker[]> | undefined;
  let idle: Tesseract.Worker[] = [];

  return {
    async recognise(image) {
      ready ??= Promise.all(Array.from({ length: workers }, startWorker)).then((created) => (idle = [...created]));
      await ready;
      return queue.add(async () => {
        // The queue runs at most `workers` tasks, so an idle worker is always there.
        const worker = idle.pop()!;
        try {
          return await readFrame(worker, image);
        } finally {
          idle.push(worker);
        }
      });
    },
    async terminate() {
      if (!ready) return;
      const created = await ready;
      ready = undefined;
      await queue.onIdle();
      await Promise.all(created.map((worker) => worker.terminate()));
    },
  };
}

/** One Google Vision images:annotate batch, as both Vision clients (SDK and REST) share it: the call's shape, limits and error codes. */

/** One image's result from a Vision batch: its text lines, or why it could not be read. */
export type VisionImageResult = { lines: string[] } | { error: { code: number; message: string } };

/**
 * Sends one images:annotate batch (at most 16 images) and answers per image, in order.
 * Throws classified errors (transient, request) for failures of the whole batch.
 */
export type AnnotateBatch = (images: Buffer[], signal: AbortSignal | undefined) => Promise<VisionImageResult[]>;

/** Vision's documented limit of images per images:annotate request. */
export const MAX_IMAGES_PER_REQUEST = 16;

/** Splits annotation text into trimmed, non-empty lines. */
export function linesOf(text: string | null | undefined): string[] {
  return (text ?? "")
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
}

/** google.rpc.Code values of an image-level error that will pass if asked again. */
export const TRANSIENT_RPC_CODES = new Set([4, 8, 10, 13, 14]);

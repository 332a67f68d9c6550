import type { ImageAnnotatorClient } from "@google-cloud/vision";
import { TransientError } from "../errors.ts";
import { AiRequestError, transientForNoAnswer } from "./failure.ts";
import { linesOf, type AnnotateBatch } from "./vision-batch.ts";

/** gRPC status codes (google.rpc.Code) that are worth another attempt. */
const RETRYABLE_CODES: Record<number, TransientError["kind"]> = { 4: "timeout", 8: "rate_limited", 13: "server_error", 14: "server_error" };

function classify(error: unknown, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "number") return transientForNoAnswer("vision", error);
  const kind = RETRYABLE_CODES[code];
  const message = (error as Error).message;
  if (kind) return new TransientError(kind, `vision answered code ${code}: ${message}`, undefined, { cause: error });
  return new AiRequestError("vision", code, message, { cause: error });
}

/**
 * images:annotate through the official client with service-account credentials
 * (GOOGLE_APPLICATION_CREDENTIALS), which signs its own OAuth tokens. Its retries are off: the
 * retry budget is ours.
 */
export function sdkAnnotateBatch(options: { credentialsFile: string; endpoint: string; timeoutMs: number }): AnnotateBatch {
  // The client library takes over a second to load: loaded on the first batch, not at start-up.
  let client: Promise<ImageAnnotatorClient> | undefined;
  const clientOf = () =>
    (client ??= import("@google-cloud/vision").then(
      ({ default: vision }) =>
        new vision.ImageAnnotatorClient({ keyFilename: options.credentialsFile, apiEndpoint: new URL(options.endpoint).hostname, fallback: true }),
    ));
  return async (images, signal) => {
    try {
      const [answer] = await (await clientOf()).batchAnnotateImages(
        { requests: images.map((content) => ({ image: { content }, features: [{ type: "TEXT_DETECTION" }] })) },
        { timeout: options.timeoutMs, maxRetries: 0, retry: null },
      );
      return (answer.responses ?? []).map((r) =>
        r.error?.code
          ? { error: { code: r.error.code, message: r.error.message ?? "" } }
          : { lines: linesOf(r.fullTextAnnotation?.text ?? r.textAnnotations?.[0]?.description) },
      );
    } catch (error) {
      throw classify(error, signal);
    }
  };
}

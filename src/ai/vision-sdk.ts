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

/** VISION_API_ENDPOINT as the client's REST transport takes it: host, port and scheme apart (it defaults to https on 443). */
function endpointOptions(endpoint: string): { apiEndpoint: string; port: number; protocol: "http" | "https" } {
  const url = new URL(endpoint);
  const protocol = url.protocol === "http:" ? "http" : "https";
  return { apiEndpoint: url.hostname, port: url.port ? Number(url.port) : protocol === "http" ? 80 : 443, protocol };
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
      ({ default: vision }) => new vision.ImageAnnotatorClient({ keyFilename: options.credentialsFile, fallback: true, ...endpointOptions(options.endpoint) }),
    ));
  return async (images, signal) => {
    try {
      const [answer] = await (await clientOf()).batchAnnotateImages(
        { requests: images.map((content) => ({ image: { content }, features: [{ type: "TEXT_DETECTION" }] })) },
        // maxRetries 0 alone turns gax retries off (adding `retry: null` makes gax throw before sending).
        { timeout: options.timeoutMs, maxRetries: 0 },
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

import { z } from "zod";
import { AiRequestError, isTransientStatus, transientForNoAnswer, transientForStatus } from "./failure.ts";
import { parseRetryAfter } from "./retry-after.ts";
import { linesOf, type AnnotateBatch } from "./vision-batch.ts";

const annotateAnswer = z.object({
  responses: z
    .array(
      z.object({
        fullTextAnnotation: z.object({ text: z.string().optional() }).nullish(),
        textAnnotations: z.array(z.object({ description: z.string().optional() })).nullish(),
        error: z.object({ code: z.number().default(2), message: z.string().default("") }).nullish(),
      }),
    )
    .default([]),
});

const errorAnswer = z.object({ error: z.object({ message: z.string().default(""), status: z.string().optional() }) });

/**
 * images:annotate over plain HTTPS with an API key (sent in `x-goog-api-key`, so it never
 * appears in a URL that might be logged). Works against any base URL, the emulator included.
 */
export function restAnnotateBatch(options: { endpoint: string; apiKey: string; timeoutMs: number }): AnnotateBatch {
  const url = `${options.endpoint}/v1/images:annotate`;
  return async (images, signal) => {
    const body = {
      requests: images.map((image) => ({ image: { content: image.toString("base64") }, features: [{ type: "TEXT_DETECTION" }] })),
    };
    const timeout = AbortSignal.timeout(options.timeoutMs);
    let response: Response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "x-goog-api-key": options.apiKey },
        body: JSON.stringify(body),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw transientForNoAnswer("vision", error);
    }
    let json: unknown;
    try {
      json = await response.json();
    } catch (error) {
      if (signal?.aborted) throw error;
      if (!response.ok) json = {};
      else throw transientForNoAnswer("vision", error);
    }
    if (!response.ok) {
      const parsed = errorAnswer.safeParse(json);
      const message = parsed.success ? parsed.data.error.message : response.statusText;
      if (isTransientStatus(response.status)) {
        throw transientForStatus("vision", response.status, message, parseRetryAfter(response.headers.get("retry-after")));
      }
      throw new AiRequestError("vision", response.status, message);
    }
    const answer = annotateAnswer.parse(json);
    return answer.responses.map((r) =>
      r.error ? { error: r.error } : { lines: linesOf(r.fullTextAnnotation?.text ?? r.textAnnotations?.[0]?.description) },
    );
  };
}

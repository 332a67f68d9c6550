import { GoogleGenAI, type Content, type GenerateContentResponse } from "@google/genai";
import { UserFacingError } from "../errors.ts";
import type { TextKey } from "../i18n/index.ts";
import type { Logger } from "../log.ts";
import type { Summary, SummarySchema } from "../summary.ts";
import { classifyGeminiFailure, isSchemaTooComplex } from "./gemini-failure.ts";
import { defaultRetryPolicy, withRetries, type RetryPolicy } from "./retry.ts";
import { parseRetryAfter } from "./retry-after.ts";
import { checkAgainstSchema } from "./schema-check.ts";
import { simplerSchema } from "./schema-simplify.ts";
import { buildRepairPrompt, buildSummaryPrompt, SUMMARY_INSTRUCTION } from "./summary-prompt.ts";
import type { CallOptions, Summarizer } from "./types.ts";
import { reportUsage } from "./usage.ts";

/** Settings of the Gemini summariser; `timeoutMs` bounds each attempt. */
export interface GeminiSummarizerOptions {
  apiKey: string;
  baseUrl: string;
  model: string;
  timeoutMs: number;
  retry?: RetryPolicy;
}

const CONTENT_BLOCKED = "error.summaryBlocked";
const RECITATION_BLOCKED = "error.summaryRecitation";

/** Finish and block reasons that mean Gemini refused, with the sentence the person reads. */
export const REFUSALS: Record<string, TextKey> = {
  SAFETY: CONTENT_BLOCKED,
  PROHIBITED_CONTENT: CONTENT_BLOCKED,
  BLOCKLIST: CONTENT_BLOCKED,
  SPII: CONTENT_BLOCKED,
  IMAGE_SAFETY: CONTENT_BLOCKED,
  OTHER: CONTENT_BLOCKED,
  RECITATION: RECITATION_BLOCKED,
};

/** Throws `summary_blocked` when the prompt or the answer was stopped by Gemini's filters. */
function refuseIfBlocked(response: GenerateContentResponse): void {
  const blockReason = response.promptFeedback?.blockReason;
  if (blockReason) throw new UserFacingError("summary_blocked", REFUSALS[blockReason] ?? CONTENT_BLOCKED);
  const finishReason = response.candidates?.[0]?.finishReason;
  if (finishReason && finishReason in REFUSALS) throw new UserFacingError("summary_blocked", REFUSALS[finishReason]!);
  if (!response.candidates?.length) throw new UserFacingError("summary_blocked", CONTENT_BLOCKED);
}

/** Parses and checks an answer; problems are phrased for the model to fix them. */
function readAnswer(text: string, schema: SummarySchema): { value?: Summary; problems: string[] } {
  let value: unknown;
  try {
    value = JSON.parse(text.trim().replace(/^```(?:json)?\s*|\s*```$/g, ""));
  } catch (error) {
    return { problems: [`it is not valid JSON (${(error as Error).message})`] };
  }
  const problems = checkAgainstSchema(value, schema);
  return problems.length > 0 ? { problems } : { value: value as Summary, problems };
}

/**
 * Asks Gemini to fill the caller's schema (structured output; simplified when Gemini finds it
 * too complex to serve), checks the answer against the full schema, asks once more with the
 * problems listed when it does not fit, and otherwise fails
 * with `summary_invalid`. Refusals become `summary_blocked` with a sentence for the person.
 */
export function createGeminiSummarizer(options: GeminiSummarizerOptions, log: Logger): Summarizer {
  // No SDK retryOptions: the SDK then makes one attempt per call, and the budget is ours.
  // @google/genai 3 defaults to the stable v1 API; structured output with a responseSchema is
  // documented on v1beta, which is what this code and the emulator speak. Pinned explicitly so
  // GOOGLE_GENAI_API_VERSION in the environment cannot change it either.
  const ai = new GoogleGenAI({ apiKey: options.apiKey, apiVersion: "v1beta", httpOptions: { baseUrl: options.baseUrl, timeout: options.timeoutMs } });
  const policy = options.retry ?? defaultRetryPolicy;

  async function ask(contents: Content[], schema: SummarySchema, call: CallOptions): Promise<string> {
    const response = await withRetries(
      async () => {
        let retryAfterMs: number | undefined;
        // The SDK's errors drop response headers; this fetch keeps the one we need.
        const watchingFetch: typeof fetch = async (url, init) => {
          const answer = await fetch(url, init);
          if (!answer.ok) retryAfterMs = parseRetryAfter(answer.headers.get("retry-after"));
          return answer;
        };
        try {
          return await ai.models.generateContent({
            model: options.model,
            contents,
            config: {
              systemInstruction: SUMMARY_INSTRUCTION,
              responseMimeType: "application/json",
              responseSchema: schema,
              temperature: 0.2,
              abortSignal: call.signal,
              httpOptions: { fetch: watchingFetch },
            },
          });
        } catch (error) {
          throw classifyGeminiFailure(error, retryAfterMs, call.signal);
        }
      },
      { policy, log, what: "summarise", signal: call.signal },
    );
    const usage = response.usageMetadata;
    reportUsage(
      log,
      {
        provider: "gemini",
        inputTokens: usage?.promptTokenCount,
        outputTokens: (usage?.candidatesTokenCount ?? 0) + (usage?.thoughtsTokenCount ?? 0),
      },
      call,
    );
    refuseIfBlocked(response);
    return response.text ?? "";
  }

  /** Asks with the simplest schema Gemini serves; `served.schema` keeps it for the follow-up. */
  async function askServable(contents: Content[], served: { schema: SummarySchema }, call: CallOptions): Promise<string> {
    for (;;) {
      try {
        return await ask(contents, served.schema, call);
      } catch (error) {
        const simpler = isSchemaTooComplex(error) ? simplerSchema(served.schema) : undefined;
        if (!simpler) throw error;
        log.warn({ jobId: call.jobId }, "Gemini found the response schema too complex; asking again without long option lists");
        served.schema = simpler;
      }
    }
  }

  return {
    async summarize(input, schema, call = {}) {
      const contents: Content[] = [{ role: "user", parts: [{ text: buildSummaryPrompt(input) }] }];
      const served = { schema };
      const firstText = await askServable(contents, served, call);
      const first = readAnswer(firstText, schema);
      if (first.value) return first.value;
      log.warn({ problems: first.problems.slice(0, 5), jobId: call.jobId }, "summary did not fit the schema, asking again");
      contents.push({ role: "model", parts: [{ text: firstText }] }, { role: "user", parts: [{ text: buildRepairPrompt(first.problems) }] });
      const second = readAnswer(await askServable(contents, served, call), schema);
      if (second.value) return second.value;
      log.warn({ problems: second.problems.slice(0, 5), jobId: call.jobId }, "summary still did not fit the schema");
      throw new UserFacingError("summary_invalid", "error.summaryInvalid");
    },
  };
}

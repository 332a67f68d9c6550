import { BlockedReason, FinishReason, GoogleGenAI, type Content, type GenerateContentResponse } from "@google/genai";
import { UserFacingError } from "../errors.ts";
import type { TextKey } from "../i18n/index.ts";
import type { Logger } from "../log.ts";
import type { Summary, SummarySchema } from "../summary.ts";
import { classifyGeminiFailure, isSchemaTooComplex } from "./gemini-failure.ts";
import { defaultRetryPolicy, withRetries, type RetryPolicy } from "./retry.ts";
import { parseRetryAfter } from "./retry-after.ts";
import { checkAgainstSchema } from "./schema-check.ts";
import { simplerSchema } from "./schema-simplify.ts";
import { buildRepairPrompt, buildSummaryPrompt, SUMMARY_INSTRUCTION, TIGHTER_ANSWER } from "./summary-prompt.ts";
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

/** What one finish reason means for a summary answer. */
export type FinishOutcome = "answer" | "too_long" | "blocked" | "recitation" | "unusable";

/**
 * Every FinishReason the SDK knows, decided (a new one fails to compile here, and the drift test
 * fails at run time). Tool and image reasons cannot happen to a text-only call without tools;
 * should one come, the answer is unusable rather than a crash.
 */
export const FINISH_OUTCOMES: Record<FinishReason, FinishOutcome> = {
  [FinishReason.FINISH_REASON_UNSPECIFIED]: "unusable",
  [FinishReason.STOP]: "answer",
  [FinishReason.MAX_TOKENS]: "too_long",
  [FinishReason.SAFETY]: "blocked",
  [FinishReason.RECITATION]: "recitation",
  [FinishReason.LANGUAGE]: "unusable",
  [FinishReason.OTHER]: "blocked",
  [FinishReason.BLOCKLIST]: "blocked",
  [FinishReason.PROHIBITED_CONTENT]: "blocked",
  [FinishReason.SPII]: "blocked",
  [FinishReason.MALFORMED_FUNCTION_CALL]: "unusable",
  [FinishReason.IMAGE_SAFETY]: "blocked",
  [FinishReason.IMAGE_PROHIBITED_CONTENT]: "blocked",
  [FinishReason.IMAGE_OTHER]: "blocked",
  [FinishReason.NO_IMAGE]: "unusable",
  [FinishReason.IMAGE_RECITATION]: "recitation",
  [FinishReason.UNEXPECTED_TOOL_CALL]: "unusable",
  [FinishReason.TOO_MANY_TOOL_CALLS]: "unusable",
  [FinishReason.MISSING_THOUGHT_SIGNATURE]: "unusable",
  [FinishReason.MALFORMED_RESPONSE]: "unusable",
  [FinishReason.ESCALATION]: "blocked",
  // The account is limited for policy violations: no answer will come; the operator sees it in the log.
  [FinishReason.PUP_LIMITED_DISABLED]: "unusable",
  [FinishReason.CONTINUATION]: "too_long",
  [FinishReason.MODEL_ARMOR]: "blocked",
};

/** Every reason Gemini gives for blocking a prompt: all are refusals of what the video shows or says. */
export const BLOCK_OUTCOMES: Record<BlockedReason, "blocked"> = Object.fromEntries(
  Object.values(BlockedReason).map((reason) => [reason, "blocked"]),
) as Record<BlockedReason, "blocked">;

/** Finish and block reasons that mean Gemini refused, with the sentence the person reads. */
export const REFUSALS: Record<string, TextKey> = Object.fromEntries([
  ...Object.entries(FINISH_OUTCOMES)
    .filter(([, outcome]) => outcome === "blocked" || outcome === "recitation")
    .map(([reason, outcome]) => [reason, outcome === "recitation" ? RECITATION_BLOCKED : CONTENT_BLOCKED]),
  ...Object.keys(BLOCK_OUTCOMES).map((reason) => [reason, CONTENT_BLOCKED]),
]) as Record<string, TextKey>;

/** An answer cut off at the output limit (MAX_TOKENS): asked again once for a tighter one. */
class AnswerTooLong extends Error {}

/**
 * Reads a response's finish: its text, or a typed refusal. `summary_blocked` carries the
 * sentence for the person; `summary_invalid` is an answer that cannot be used.
 */
function answerText(response: GenerateContentResponse): string {
  if (response.promptFeedback?.blockReason) throw new UserFacingError("summary_blocked", CONTENT_BLOCKED);
  const candidate = response.candidates?.[0];
  if (!candidate) throw new UserFacingError("summary_blocked", CONTENT_BLOCKED);
  const outcome = candidate.finishReason ? (FINISH_OUTCOMES[candidate.finishReason] ?? "unusable") : "answer";
  if (outcome === "too_long") throw new AnswerTooLong("the answer was cut off at the output limit");
  if (outcome === "blocked" || outcome === "recitation") throw new UserFacingError("summary_blocked", REFUSALS[candidate.finishReason!]!);
  if (outcome === "unusable") throw new UserFacingError("summary_invalid", "error.summaryInvalid");
  return response.text ?? "";
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
    return answerText(response);
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

  /** Asks; an answer cut off at the output limit is asked for once more, shorter. */
  async function askWhole(contents: Content[], served: { schema: SummarySchema }, call: CallOptions): Promise<string> {
    try {
      return await askServable(contents, served, call);
    } catch (error) {
      if (!(error instanceof AnswerTooLong)) throw error;
      log.warn({ jobId: call.jobId }, "Gemini's answer was cut off at the output limit; asking for a shorter one");
      try {
        return await askServable([...contents, { role: "user", parts: [{ text: TIGHTER_ANSWER }] }], served, call);
      } catch (again) {
        if (again instanceof AnswerTooLong) throw new UserFacingError("summary_invalid", "error.summaryInvalid", { cause: again });
        throw again;
      }
    }
  }

  return {
    async summarize(input, schema, call = {}) {
      const contents: Content[] = [{ role: "user", parts: [{ text: buildSummaryPrompt(input) }] }];
      const served = { schema };
      const firstText = await askWhole(contents, served, call);
      const first = readAnswer(firstText, schema);
      if (first.value) return first.value;
      log.warn({ problems: first.problems.slice(0, 5), jobId: call.jobId }, "summary did not fit the schema, asking again");
      contents.push({ role: "model", parts: [{ text: firstText }] }, { role: "user", parts: [{ text: buildRepairPrompt(first.problems) }] });
      const second = readAnswer(await askWhole(contents, served, call), schema);
      if (second.value) return second.value;
      log.warn({ problems: second.problems.slice(0, 5), jobId: call.jobId }, "summary still did not fit the schema");
      throw new UserFacingError("summary_invalid", "error.summaryInvalid");
    },
  };
}

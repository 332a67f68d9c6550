import { GoogleGenAI } from "@google/genai";
import type { Logger } from "../log.ts";
import type { SummaryInput, SummarySchema } from "../summary.ts";
import { classifyGeminiFailure } from "./gemini-failure.ts";
import { defaultRetryPolicy, withRetries, type RetryPolicy } from "./retry.ts";
import { section } from "./summary-prompt.ts";
import type { CallOptions } from "./types.ts";
import { reportUsage } from "./usage.ts";

/** A database the video could go to, as the picker shows it to the model. */
export interface DatabaseCandidate {
  /** The person's name for it (unique per person): what the model answers with. */
  tag: string;
  title: string;
  description: string;
  propertyNames: string[];
}

/** The video as the picker shows it: what the summary will also read, without the property guide. */
export type VideoMaterial = Omit<SummaryInput, "propertyGuide" | "language" | "sourceUrl">;

/** Which database a video fits best, and the model's one-sentence reason. */
export interface DatabasePick {
  tag: string;
  reason: string;
}

/** Chooses one of a person's databases for a video. */
export interface DatabasePicker {
  pick(video: VideoMaterial, databases: DatabaseCandidate[], options?: CallOptions): Promise<DatabasePick>;
}

/** Settings of the Gemini picker; `timeoutMs` bounds each attempt. */
export interface GeminiPickerOptions {
  apiKey: string;
  baseUrl: string;
  model: string;
  timeoutMs: number;
  retry?: RetryPolicy;
}

const PICK_INSTRUCTION = [
  "You file short videos into one of a person's Notion databases.",
  "Choose the database whose title, description and properties fit the video best.",
  "Answer with one JSON object that follows the response schema exactly.",
].join(" ");

/** The transcript is cut: the opening says what a video is about, and the call should stay small. */
const TRANSCRIPT_CHARS = 1500;

/** The response schema: one of the tags, and a reason. */
export function pickSchema(tags: string[]): SummarySchema {
  return {
    type: "OBJECT",
    properties: { database: { type: "STRING", enum: tags }, reason: { type: "STRING" } },
    required: ["database", "reason"],
    propertyOrdering: ["database", "reason"],
  };
}

/** The prompt: the video's material, then every database with its tag, title, description and property names. */
export function buildPickPrompt(video: VideoMaterial, databases: DatabaseCandidate[]): string {
  const listed = databases
    .map((d) => [`- tag: ${d.tag}`, `  title: ${d.title}`, `  description: ${d.description || "(none)"}`, `  properties: ${d.propertyNames.join(", ")}`].join("\n"))
    .join("\n");
  return [
    section("title", video.title),
    section("uploader", video.uploader),
    section("hashtags", video.hashtags.map((h) => (h.startsWith("#") ? h : `#${h}`)).join(" ")),
    section("caption", video.caption),
    section("transcript", video.transcript.slice(0, TRANSCRIPT_CHARS)),
    section("on_screen_text", video.onScreenText),
    section("databases", listed),
    'Answer "database" with the tag of the database this video belongs in, and "reason" with one short sentence.',
  ].join("\n\n");
}

/**
 * A small structured Gemini call that picks the database for a video. An answer that names no
 * listed tag falls back to the first database: the person is shown the choice and can move it.
 */
export function createGeminiPicker(options: GeminiPickerOptions, log: Logger): DatabasePicker {
  const ai = new GoogleGenAI({ apiKey: options.apiKey, apiVersion: "v1beta", httpOptions: { baseUrl: options.baseUrl, timeout: options.timeoutMs } });
  const policy = options.retry ?? defaultRetryPolicy;
  return {
    async pick(video, databases, call = {}) {
      const tags = databases.map((d) => d.tag);
      const response = await withRetries(
        async () => {
          try {
            return await ai.models.generateContent({
              model: options.model,
              contents: [{ role: "user", parts: [{ text: buildPickPrompt(video, databases) }] }],
              config: { systemInstruction: PICK_INSTRUCTION, responseMimeType: "application/json", responseSchema: pickSchema(tags), temperature: 0, abortSignal: call.signal },
            });
          } catch (error) {
            throw classifyGeminiFailure(error, undefined, call.signal);
          }
        },
        { policy, log, what: "pick a database", signal: call.signal },
      );
      const usage = response.usageMetadata;
      reportUsage(log, { provider: "gemini", inputTokens: usage?.promptTokenCount, outputTokens: (usage?.candidatesTokenCount ?? 0) + (usage?.thoughtsTokenCount ?? 0) }, call);
      const answer = readPick(response.text ?? "", tags);
      if (answer) return answer;
      log.warn({ answer: response.text?.slice(0, 200), jobId: call.jobId }, "the database pick named no listed database; taking the first");
      return { tag: tags[0]!, reason: "" };
    },
  };
}

function readPick(text: string, tags: string[]): DatabasePick | undefined {
  try {
    const value = JSON.parse(text) as { database?: unknown; reason?: unknown };
    if (typeof value.database !== "string" || !tags.includes(value.database)) return undefined;
    return { tag: value.database, reason: typeof value.reason === "string" ? value.reason : "" };
  } catch {
    return undefined;
  }
}

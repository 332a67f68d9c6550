import { randomUUID } from "node:crypto";
import express, { type Request, type Response } from "express";
import { geminiContract } from "../contracts/gemini.ts";
import { startEmulator, type EmulatorHandle } from "./kit.ts";
import { fillValue } from "./gemini/answer.ts";
import { answerPick, isPickSchema } from "./gemini/database-pick.ts";
import { materialOf } from "./gemini/material.ts";
import { countEnumValues, findSchemaProblem, TOO_MANY_STATES } from "./gemini/schema-rules.ts";
import { apiKeyInvalidDetails, apiKeyOf, googleError, googleFaultResponder } from "./vision/google-error.ts";

/**
 * Gemini API emulator: `POST /v1beta/models/{model}:generateContent` as @google/genai sends it,
 * checked like the real API (API key, model name, contents, the responseSchema subset) and
 * answered with deterministic JSON that fits the schema and comes from the prompt.
 */

/** A scripted answer for the next call, instead of the schema-shaped one. */
export type GeminiScriptedAnswer =
  | { kind: "safety" }
  | { kind: "recitation" }
  | { kind: "prompt_blocked"; reason?: string }
  /** A candidate ending with this finishReason (the schema-shaped text too, for STOP and MAX_TOKENS, cut short for the latter). */
  | { kind: "finish"; reason: string }
  | { kind: "invalid_json" }
  | { kind: "text"; text: string };

/** One generateContent call as the emulator understood it. */
export interface GeminiCall {
  model: string;
  userText: string;
  systemText: string;
  responseSchema?: unknown;
  answerText?: string;
}

/** Settings of the Gemini emulator. */
export interface GeminiEmulatorOptions {
  /** Accepted API key (`x-goog-api-key` header or `key=` query); default "gemini-test-key". */
  apiKey?: string;
  /** Replaces the schema-shaped answer (return undefined to keep it). */
  answer?: (call: GeminiCall) => unknown;
  /** Switch: the models it serves (any other name is 404 NOT_FOUND); default `GEMINI_MODELS`. */
  models?: string[];
  /** Switch: refuse (400, "too many states for serving") a response schema with more enum values than this in all. */
  maxEnumValues?: number;
}

/** A running Gemini emulator: the kit's handle, the calls it answered and a queue of scripted answers. */
export interface GeminiEmulator extends EmulatorHandle {
  apiKey: string;
  calls: GeminiCall[];
  /** Serves `answer` to the next generateContent call, before any schema-shaped one. */
  answerNext(answer: GeminiScriptedAnswer): void;
  /** Switch: the most enum values a response schema may hold before the 400 "too many states"; undefined: no limit. */
  maxEnumValues: number | undefined;
  /** Switch: the model names it serves; others are 404 NOT_FOUND, for models.get and generateContent alike. */
  models: Set<string>;
}

/** The text models the emulator serves by default, as Gemini lists them. */
export const GEMINI_MODELS = ["gemini-2.5-flash", "gemini-2.5-pro", "gemini-2.5-flash-lite", "gemini-flash-latest", "gemini-pro-latest"];

/** Gemini's 404 for a model name it does not serve (`method` is the one that was called). */
function modelNotFound(res: Response, model: string, method: string): void {
  googleError(res, 404, `models/${model} is not found for API version v1beta, or is not supported for ${method}. Call ListModels to see the list of available models and their supported methods.`);
}

interface Part {
  text?: string;
}
interface GenerateBody {
  contents?: { role?: string; parts?: Part[] }[];
  systemInstruction?: { parts?: Part[] };
  generationConfig?: { responseMimeType?: string; responseSchema?: unknown };
}

const tokens = (text: string): number => Math.max(1, Math.ceil(text.length / 4));
const textOf = (parts: Part[] | undefined): string => (parts ?? []).map((p) => p.text ?? "").join("\n");

function checkKey(req: Request, res: Response, apiKey: string): boolean {
  const key = apiKeyOf(req);
  if (!key) {
    googleError(res, 403, "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.");
    return false;
  }
  if (key !== apiKey) {
    googleError(res, 400, "API key not valid. Please pass a valid API key.", apiKeyInvalidDetails("generativelanguage.googleapis.com"));
    return false;
  }
  return true;
}

/** Starts the Gemini emulator on a random local port. Point GEMINI_BASE_URL at its `url`. */
export async function startGeminiEmulator(options: GeminiEmulatorOptions = {}): Promise<GeminiEmulator> {
  const apiKey = options.apiKey ?? "gemini-test-key";
  const calls: GeminiCall[] = [];
  const scripted: GeminiScriptedAnswer[] = [];

  function usage(call: GeminiCall, answer: string): object {
    const prompt = tokens(call.userText + call.systemText);
    const candidates = answer ? tokens(answer) : 0;
    return { promptTokenCount: prompt, candidatesTokenCount: candidates, totalTokenCount: prompt + candidates, promptTokensDetails: [{ modality: "TEXT", tokenCount: prompt }] };
  }

  function respond(res: Response, call: GeminiCall): void {
    const script = scripted.shift();
    const base = { modelVersion: call.model, responseId: randomUUID().replaceAll("-", "").slice(0, 22) };
    const ratings = [{ category: "HARM_CATEGORY_DANGEROUS_CONTENT", probability: "HIGH", blocked: true }];
    if (script?.kind === "prompt_blocked") {
      return void res.json({ promptFeedback: { blockReason: script.reason ?? "SAFETY", safetyRatings: ratings }, usageMetadata: usage(call, ""), ...base });
    }
    if (script?.kind === "finish" && !["STOP", "MAX_TOKENS"].includes(script.reason)) {
      return void res.json({ candidates: [{ finishReason: script.reason, index: 0 }], usageMetadata: usage(call, ""), ...base });
    }
    if (script?.kind === "safety" || script?.kind === "recitation") {
      const finishReason = script.kind === "safety" ? "SAFETY" : "RECITATION";
      return void res.json({ candidates: [{ finishReason, index: 0, safetyRatings: script.kind === "safety" ? ratings : undefined }], usageMetadata: usage(call, ""), ...base });
    }
    let text: string;
    if (script?.kind === "invalid_json") text = '{"title": "Half an answer", "summary": "It stops';
    else if (script?.kind === "text") text = script.text;
    else {
      const custom = options.answer?.(call);
      const value = custom !== undefined ? custom : isPickSchema(call.responseSchema) ? answerPick(call.responseSchema, call.userText) : call.responseSchema ? fillValue(call.responseSchema as never, "", materialOf(call.userText)) : materialOf(call.userText).sentences[0] ?? "";
      text = typeof value === "string" && !call.responseSchema ? value : JSON.stringify(value);
    }
    const cutOff = script?.kind === "finish" && script.reason === "MAX_TOKENS";
    if (cutOff) text = text.slice(0, Math.ceil(text.length / 2));
    call.answerText = text;
    res.json({ candidates: [{ content: { parts: [{ text }], role: "model" }, finishReason: cutOff ? "MAX_TOKENS" : "STOP", index: 0 }], usageMetadata: usage(call, text), ...base });
  }

  const handle = await startEmulator(
    // `self` becomes the returned emulator (Object.assign below), so routes read its switches live.
    (app, self) => {
      app.get(
        /^\/v1beta\/models\/([^/:]+)$/,
        (req, res, next) => (checkKey(req, res, apiKey) ? next() : undefined),
        (req, res) => {
          const model = (req.params as Record<string, string>)[0] ?? "";
          if (!(self as GeminiEmulator).models.has(model)) return modelNotFound(res, model, "get");
          res.json({
            name: `models/${model}`,
            version: "001",
            displayName: model,
            inputTokenLimit: 1_048_576,
            outputTokenLimit: 65_536,
            supportedGenerationMethods: ["generateContent", "countTokens", "createCachedContent", "batchGenerateContent"],
            temperature: 1,
            topP: 0.95,
            topK: 64,
            maxTemperature: 2,
            thinking: true,
          });
        },
      );
      app.post(
        /^\/v1beta\/models\/([^/:]+):generateContent$/,
        (req, res, next) => (checkKey(req, res, apiKey) ? next() : undefined),
        express.json({ limit: "20mb" }),
        (req, res) => {
          const model = (req.params as Record<string, string>)[0] ?? "";
          if (!(self as GeminiEmulator).models.has(model)) return modelNotFound(res, model, "generateContent");
          const body = (req.body ?? {}) as GenerateBody;
          if (!Array.isArray(body.contents) || body.contents.length === 0) {
            return googleError(res, 400, "* GenerateContentRequest.contents: contents is not specified\n");
          }
          const config = body.generationConfig ?? {};
          if (config.responseSchema !== undefined) {
            const problem = findSchemaProblem(config.responseSchema);
            if (problem) return googleError(res, 400, problem);
            const limit = (self as GeminiEmulator).maxEnumValues;
            if (limit !== undefined && countEnumValues(config.responseSchema) > limit) {
              return googleError(res, 400, TOO_MANY_STATES);
            }
            if (config.responseMimeType !== "application/json") {
              return googleError(res, 400, "* GenerateContentRequest.generation_config.response_mime_type: responseSchema requires responseMimeType to be application/json\n");
            }
          }
          const call: GeminiCall = {
            model,
            userText: body.contents.filter((c) => c.role !== "model").map((c) => textOf(c.parts)).join("\n"),
            systemText: textOf(body.systemInstruction?.parts),
            responseSchema: config.responseSchema,
          };
          calls.push(call);
          respond(res, call);
        },
      );
    },
    { respondToFault: googleFaultResponder("The model is overloaded. Please try again later."), contract: geminiContract() },
  );

  return Object.assign(handle, {
    apiKey,
    calls,
    answerNext: (answer: GeminiScriptedAnswer) => void scripted.push(answer),
    maxEnumValues: options.maxEnumValues,
    models: new Set(options.models ?? GEMINI_MODELS),
  });
}

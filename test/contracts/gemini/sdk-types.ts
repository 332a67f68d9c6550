import type { Content, GenerateContentResponse, GenerationConfig, Model, SafetySetting, Tool, ToolConfig } from "@google/genai";

/**
 * The Gemini API bodies reelnotes exchanges (the Developer API, v1beta), named from
 * @google/genai's own types. The SDK builds the REST body from `GenerateContentParameters`
 * (generateContentParametersToMldev): `contents` as given, the config's generation fields under
 * `generationConfig`, and systemInstruction, safetySettings, tools, toolConfig, cachedContent
 * beside it. The JSON Schema in schema.json is generated from this file (scripts/generate-sdk-schemas.ts).
 */

/** POST /v1beta/models/{model}:generateContent */
export interface GenerateContentBody {
  contents: Content[];
  systemInstruction?: Content;
  generationConfig?: GenerationConfig;
  safetySettings?: SafetySetting[];
  tools?: Tool[];
  toolConfig?: ToolConfig;
  cachedContent?: string;
}

/** Its answer: the response's data fields (the class's getters and the SDK-only fields left out). */
export type GenerateContentAnswer = Pick<
  GenerateContentResponse,
  "candidates" | "createTime" | "modelVersion" | "promptFeedback" | "responseId" | "usageMetadata" | "modelStatus"
>;

/** GET /v1beta/models/{model}: the SDK's Model, whose `supportedActions` the REST body calls `supportedGenerationMethods` (modelFromMldev). */
export type GetModelAnswer = Omit<Model, "supportedActions"> & {
  supportedGenerationMethods?: Model["supportedActions"];
};

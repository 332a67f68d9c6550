import { ApiError, GoogleGenAI } from "@google/genai";
import { ConfigError } from "../config.ts";
import type { Logger } from "../log.ts";

/** What the start-up check needs: the summariser's own settings. */
export interface GeminiModelCheck {
  apiKey: string;
  baseUrl: string;
  model: string;
  timeoutMs: number;
}

/**
 * Asks Gemini (models.get) whether `GEMINI_MODEL` exists and can generate content, so a typo or
 * a retired model stops the service at start-up with a sentence naming the variable, instead of
 * failing every job later. A rejected key is named the same way. Gemini being unreachable is
 * only a warning: it may be back by the time a video needs a summary.
 */
export async function checkGeminiModel(settings: GeminiModelCheck, log: Logger): Promise<void> {
  const ai = new GoogleGenAI({ apiKey: settings.apiKey, apiVersion: "v1beta", httpOptions: { baseUrl: settings.baseUrl, timeout: settings.timeoutMs } });
  try {
    const model = await ai.models.get({ model: settings.model });
    const methods = model.supportedActions ?? [];
    if (methods.length > 0 && !methods.includes("generateContent")) {
      throw new ConfigError([`GEMINI_MODEL: "${settings.model}" cannot write summaries (it does not support generateContent); choose a text model such as gemini-2.5-flash`]);
    }
    log.info({ model: settings.model }, "Gemini model found");
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    if (error instanceof ApiError && error.status === 404) {
      throw new ConfigError([`GEMINI_MODEL: Gemini has no model "${settings.model}" (404 NOT_FOUND); choose one listed at https://ai.google.dev/gemini-api/docs/models, such as gemini-2.5-flash`]);
    }
    if (error instanceof ApiError && /API key not valid/i.test(error.message)) {
      throw new ConfigError(["GEMINI_API_KEY: Gemini does not accept this key (API_KEY_INVALID)"]);
    }
    log.warn({ err: error, model: settings.model }, "could not check GEMINI_MODEL with Gemini at start-up; summaries will be tried anyway");
  }
}

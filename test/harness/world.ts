import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startGeminiEmulator, type GeminiEmulator } from "../emulators/gemini.ts";
import { startNotionEmulator, TEST_CLIENT, type NotionEmulator } from "../emulators/notion/index.ts";
import { startOpenAiEmulator, type OpenAiEmulator } from "../emulators/openai.ts";
import { startVideoHost, type VideoHost } from "../emulators/video-host.ts";
import { startVisionEmulator, type VisionEmulator } from "../emulators/vision.ts";

/** The bundled recipe workspace every journey uses unless told otherwise. */
export const RECIPES_WORKSPACE = fileURLToPath(new URL("../fixtures/workspaces/recipes.json", import.meta.url));

/** A fixed 32-byte key for test services. */
export const TEST_TOKEN_KEY = Buffer.alloc(32, 9).toString("base64");

/** Everything on the internet the service talks to, running locally. */
export interface World {
  mediaDir: string;
  videoHost: VideoHost;
  openai: OpenAiEmulator;
  vision: VisionEmulator;
  gemini: GeminiEmulator;
  notion: NotionEmulator;
  /** Environment variables that point the service at this world. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export interface WorldOptions {
  workspaceFile?: string;
  transcript?: string;
  /** Use Google Vision's emulator (default) or leave Vision unset so local tesseract.js reads frames. */
  vision?: "emulator" | "local";
  /** Lines the Vision emulator answers instead of running OCR (fast tests of everything around it). */
  visionText?: (image: Buffer, index: number) => string[] | undefined;
}

/** Starts the video host and the OpenAI, Vision, Gemini and Notion emulators. */
export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const mediaDir = await mkdtemp(path.join(tmpdir(), "reelnotes-world-"));
  const [videoHost, openai, vision, gemini, notion] = await Promise.all([
    startVideoHost({ dir: mediaDir }),
    startOpenAiEmulator({ transcript: options.transcript }),
    startVisionEmulator({ textFor: options.visionText }),
    startGeminiEmulator(),
    startNotionEmulator({ workspaceFile: options.workspaceFile ?? RECIPES_WORKSPACE, clients: [TEST_CLIENT] }),
  ]);
  const env: Record<string, string> = {
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    LOG_PRETTY: "false",
    PORT: "0",
    TOKEN_ENCRYPTION_KEY: TEST_TOKEN_KEY,
    OPENAI_API_KEY: openai.apiKey,
    OPENAI_BASE_URL: `${openai.url}/v1`,
    GEMINI_API_KEY: gemini.apiKey,
    GEMINI_BASE_URL: gemini.url,
    NOTION_CLIENT_ID: TEST_CLIENT.clientId,
    NOTION_CLIENT_SECRET: TEST_CLIENT.clientSecret,
    NOTION_API_BASE_URL: notion.url,
    MEDIA_EXTRA_ALLOWED_HOSTS: videoHost.host,
    ...(options.vision === "local" ? {} : { GOOGLE_VISION_API_KEY: vision.apiKey, VISION_API_ENDPOINT: vision.url }),
  };
  return {
    mediaDir,
    videoHost,
    openai,
    vision,
    gemini,
    notion,
    env,
    stop: async () => {
      await Promise.all([videoHost.stop(), openai.stop(), vision.stop(), gemini.stop(), notion.stop()]);
      await rm(mediaDir, { recursive: true, force: true });
    },
  };
}

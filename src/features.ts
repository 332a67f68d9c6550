import type { Config } from "./config.ts";

/** One integration the service may run, whether it is on, and what turns it on. */
export interface Feature {
  name: string;
  enabled: boolean;
  detail: string;
}

/** What this configuration enables, in words the person starting the service can act on. */
export function describeFeatures(config: Config): Feature[] {
  const notionReady = Boolean(config.notion.clientId && config.notion.clientSecret);
  return [
    {
      name: "database",
      enabled: true,
      detail: config.databaseUrl ? "Postgres (DATABASE_URL)" : `embedded PGlite in ${config.dataDir} (set DATABASE_URL for Postgres)`,
    },
    {
      name: "state store",
      enabled: true,
      detail: config.redis ? "Redis (REDIS_URL)" : "in memory, one process only (set REDIS_URL or REDIS_HOST for Redis)",
    },
    {
      name: "telegram bot",
      enabled: Boolean(config.telegram.token),
      detail: config.telegram.token
        ? config.telegram.webhookSecret && config.publicUrl.startsWith("https://")
          ? "webhook mode"
          : "long polling"
        : "off: set TELEGRAM_BOT_TOKEN (from @BotFather)",
    },
    {
      name: "discord bot",
      enabled: Boolean(config.discord.token),
      detail: config.discord.token ? "gateway" : "off: set DISCORD_BOT_TOKEN (Discord developer portal)",
    },
    {
      name: "notion linking",
      enabled: notionReady,
      detail: notionReady
        ? `redirect URI ${config.notion.redirectUri}`
        : "off: set NOTION_CLIENT_ID and NOTION_CLIENT_SECRET (a Notion public integration)",
    },
    {
      name: "transcription",
      enabled: Boolean(config.openai.apiKey),
      detail: config.openai.apiKey ? `OpenAI ${config.openai.transcribeModel}` : "off: set OPENAI_API_KEY (or WHISPER_API_KEY)",
    },
    {
      name: "on-screen text",
      enabled: true,
      detail:
        config.vision.apiKey || config.vision.credentialsFile
          ? "Google Vision"
          : "local tesseract.js (set GOOGLE_VISION_API_KEY or GOOGLE_APPLICATION_CREDENTIALS for Google Vision)",
    },
    {
      name: "summaries",
      enabled: Boolean(config.gemini.apiKey),
      detail: config.gemini.apiKey ? `Gemini ${config.gemini.model}` : "off: set GEMINI_API_KEY",
    },
  ];
}

import { availableParallelism } from "node:os";
import path from "node:path";
import dotenv from "dotenv";
import { z } from "zod";

/** A process.env-like bag of strings; tests hand one in instead of the real environment. */
export type EnvSource = Record<string, string | undefined>;

/** Raised when the environment does not describe a runnable service; `message` names every bad variable. */
export class ConfigError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const httpUrl = z
  .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
  .transform((v) => v.replace(/\/+$/, ""));

const optionalHttpUrl = z.preprocess((v) => (v === "" ? undefined : v), httpUrl.optional());

const postgresUrl = z.preprocess(
  (v) => (v === "" ? undefined : v),
  z
    .string()
    .regex(/^postgres(ql)?:\/\/[^\s]+$/, "must be a postgres:// or postgresql:// URL")
    .optional(),
);

const redisUrl = z.preprocess(
  (v) => (v === "" ? undefined : v),
  z
    .string()
    .regex(/^rediss?:\/\/[^\s]+$/, "must be a redis:// or rediss:// URL")
    .optional(),
);

const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().positive();
const nonNegative = z.coerce.number().nonnegative();
const bool = z
  .enum(["true", "false", "1", "0", "yes", "no", "on", "off"], { error: "must be true or false" })
  .transform((v) => ["true", "1", "yes", "on"].includes(v));

const base64Key = z
  .string()
  .trim()
  .refine((v) => Buffer.from(v, "base64").length === 32 && /^[A-Za-z0-9+/=_-]+$/.test(v), {
    error: "must be 32 bytes encoded as base64 (for example: openssl rand -base64 32)",
  });

/** `id:base64key,id:base64key` — older keys still accepted for decrypting after a rotation. */
const keyList = z
  .string()
  .trim()
  .transform((v, ctx) => {
    const keys: { id: string; key: string }[] = [];
    for (const part of v.split(",").map((p) => p.trim()).filter(Boolean)) {
      const [id, key] = part.split(":");
      if (!id || !key || !/^[A-Za-z0-9_-]{1,32}$/.test(id) || !base64Key.safeParse(key).success) {
        ctx.addIssue({ code: "custom", message: "must be a comma-separated list of id:base64key with 32-byte keys" });
        return z.NEVER;
      }
      keys.push({ id, key });
    }
    return keys;
  });

const logLevel = z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
  error: "must be one of fatal, error, warn, info, debug, trace, silent",
});

const hostList = z
  .string()
  .trim()
  .transform((v) =>
    v
      .split(",")
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
  );

/** Every variable the service reads, with its default. The README table mirrors this schema. */
const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  LOG_LEVEL: logLevel.default("info"),
  LOG_PRETTY: z.preprocess((v) => (v === "" ? undefined : v), bool.optional()),
  // 0 asks the OS for a free port (tests, the demo).
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  PUBLIC_URL: optionalHttpUrl,
  DATA_DIR: z.string().trim().min(1).default("./data"),

  DATABASE_URL: postgresUrl,
  REDIS_URL: redisUrl,
  REDIS_HOST: optionalText,
  REDIS_PORT: z.preprocess((v) => (v === "" ? undefined : v), port.optional()),
  REDIS_KEY_PREFIX: z.string().default("reelnotes:"),

  TOKEN_ENCRYPTION_KEY: z.preprocess((v) => (v === "" ? undefined : v), base64Key.optional()),
  TOKEN_ENCRYPTION_KEYS: z.preprocess((v) => (v === "" ? undefined : v), keyList.optional()),

  TELEGRAM_BOT_TOKEN: optionalText,
  TELEGRAM_API_ROOT: httpUrl.default("https://api.telegram.org"),
  TELEGRAM_WEBHOOK_SECRET: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{16,256}$/, "must be 16-256 characters of A-Z, a-z, 0-9, _ and -")
      .optional(),
  ),

  DISCORD_BOT_TOKEN: optionalText,
  DISCORD_API_BASE: httpUrl.default("https://discord.com/api"),

  NOTION_CLIENT_ID: optionalText,
  NOTION_CLIENT_SECRET: optionalText,
  NOTION_REDIRECT_URI: optionalHttpUrl,
  NOTION_API_BASE_URL: httpUrl.default("https://api.notion.com"),
  NOTION_REQUESTS_PER_SECOND: z.coerce.number().positive().default(3),

  OPENAI_API_KEY: optionalText,
  WHISPER_API_KEY: optionalText,
  OPENAI_BASE_URL: httpUrl.default("https://api.openai.com/v1"),
  TRANSCRIBE_MODEL: z.string().trim().min(1).default("gpt-4o-mini-transcribe"),

  GEMINI_API_KEY: optionalText,
  GEMINI_BASE_URL: httpUrl.default("https://generativelanguage.googleapis.com"),
  GEMINI_MODEL: z.string().trim().min(1).default("gemini-2.5-flash"),

  GOOGLE_VISION_API_KEY: optionalText,
  GOOGLE_APPLICATION_CREDENTIALS: optionalText,
  VISION_API_ENDPOINT: httpUrl.default("https://vision.googleapis.com"),
  OCR_LOCAL_WORKERS: positiveInt.default(2),
  AI_TIMEOUT_SECONDS: positiveInt.default(120),
  // List prices in US dollars, looked up on 2026-11-29 (paid tier, no free allowance subtracted):
  // - transcription: openai.com/api/pricing, gpt-4o-mini-transcribe (the default TRANSCRIBE_MODEL) $0.003 per
  //   minute of audio; whisper-1 and gpt-4o-transcribe $0.006 (set 0.006 with either);
  // - Vision: cloud.google.com/vision/pricing, TEXT_DETECTION $1.50 per 1,000 images (units 1,001-5,000,000 a month);
  // - Gemini: ai.google.dev/gemini-api/docs/pricing, gemini-2.5-flash text input $0.30, output (thinking
  //   tokens included) $2.50 per 1M tokens.
  PRICE_TRANSCRIPTION_PER_MINUTE: nonNegative.default(0.003),
  PRICE_VISION_PER_1000_IMAGES: nonNegative.default(1.5),
  PRICE_GEMINI_INPUT_PER_1M_TOKENS: nonNegative.default(0.3),
  PRICE_GEMINI_OUTPUT_PER_1M_TOKENS: nonNegative.default(2.5),

  YT_DLP_PATH: z.string().trim().min(1).default("yt-dlp"),
  YT_DLP_COOKIES_FILE: optionalText,
  YT_DLP_PROXY: z
    .url({ protocol: /^(https?|socks5h?|socks4a?)$/, error: "must be a proxy URL: http://, https:// or socks5://" })
    .optional(),
  FFMPEG_PATH: optionalText,
  FFPROBE_PATH: optionalText,
  MAX_VIDEO_MB: positiveInt.default(200),
  MAX_VIDEO_SECONDS: positiveInt.default(600),
  MAX_FRAMES: positiveInt.default(12),
  DOWNLOAD_TIMEOUT_SECONDS: positiveInt.default(180),
  MEDIA_EXTRA_ALLOWED_HOSTS: hostList.default([]),

  WORKER_ENABLED: bool.default(true),
  BOTS_ENABLED: bool.default(true),
  MAX_LINKS_PER_HOUR: positiveInt.default(30),
  JOB_MAX_ATTEMPTS: positiveInt.default(5),
  JOB_LEASE_SECONDS: positiveInt.default(60),
  JOBS_IN_FLIGHT: positiveInt.default(16),
  JOBS_PER_USER_IN_FLIGHT: positiveInt.default(2),
  JOB_TEXT_RETENTION_DAYS: positiveInt.default(30),
  CONCURRENCY_DOWNLOAD: positiveInt.default(Math.max(2, availableParallelism())),
  // One ffmpeg decodes on every core by itself; two at once on two cores only doubled the memory
  // (~70 MB each, mostly Debian's libraries) and halved each one's speed (issue 18).
  CONCURRENCY_FFMPEG: positiveInt.default(Math.max(1, Math.floor(availableParallelism() / 2))),
  CONCURRENCY_TRANSCRIBE: positiveInt.default(4),
  CONCURRENCY_OCR: positiveInt.default(2),
  CONCURRENCY_SUMMARIZE: positiveInt.default(4),
  SHUTDOWN_GRACE_SECONDS: positiveInt.default(8),

  METRICS_TOKEN: z.preprocess((v) => (v === "" ? undefined : v), z.string().min(16, "at least 16 characters").optional()),

  LOKI_HOST: optionalHttpUrl,
  LOKI_USERNAME: optionalText,
  LOKI_PASSWORD: optionalText,
});

type Env = z.infer<typeof envSchema>;

/** List prices per billed unit, in US dollars (defaults and their source: PRICE_* above). */
export interface UsagePrices {
  transcriptionPerMinute: number;
  visionPer1000Images: number;
  geminiInputPer1MTokens: number;
  geminiOutputPer1MTokens: number;
}

/** The typed, validated configuration every other module receives. */
export interface Config {
  env: Env["NODE_ENV"];
  logLevel: Env["LOG_LEVEL"];
  logPretty: boolean;
  port: number;
  publicUrl: string;
  dataDir: string;
  databaseUrl: string | undefined;
  redis: { url: string; keyPrefix: string } | undefined;
  tokenKeys: { id: string; key: string }[];
  telegram: { token: string | undefined; apiRoot: string; webhookSecret: string | undefined };
  discord: { token: string | undefined; apiBase: string };
  notion: {
    clientId: string | undefined;
    clientSecret: string | undefined;
    redirectUri: string;
    apiBaseUrl: string;
    requestsPerSecond: number;
  };
  openai: { apiKey: string | undefined; baseUrl: string; transcribeModel: string };
  gemini: { apiKey: string | undefined; baseUrl: string; model: string };
  vision: {
    apiKey: string | undefined;
    credentialsFile: string | undefined;
    endpoint: string;
    localWorkers: number;
  };
  aiTimeoutMs: number;
  /** List prices per billed unit in US dollars, for /usage, /metrics and the bench. */
  prices: UsagePrices;
  media: {
    ytDlpPath: string;
    /** A cookies.txt of a logged-in browser, for posts behind a login wall. */
    ytDlpCookiesFile: string | undefined;
    /** A proxy for yt-dlp (sites that block data-centre addresses). */
    ytDlpProxy: string | undefined;
    ffmpegPath: string | undefined;
    ffprobePath: string | undefined;
    maxVideoBytes: number;
    maxVideoSeconds: number;
    maxFrames: number;
    downloadTimeoutMs: number;
    extraAllowedHosts: string[];
  };
  /** false: this instance only sends and edits chat messages (a worker-only instance). */
  botsEnabled: boolean;
  jobs: {
    workerEnabled: boolean;
    maxLinksPerHour: number;
    maxAttempts: number;
    leaseMs: number;
    inFlight: number;
    perUserInFlight: number;
    /** Days a finished job keeps its texts (message, transcript, on-screen text, summary) before they are purged. */
    textRetentionDays: number;
    concurrency: { download: number; ffmpeg: number; transcribe: number; ocr: number; summarize: number };
    shutdownGraceMs: number;
  };
  loki: { host: string; username: string | undefined; password: string | undefined } | undefined;
  /** Bearer token /metrics asks for; without it /metrics answers only on the loopback address. */
  metricsToken: string | undefined;
}

function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const name = issue.path.join(".") || "environment";
    // Never echo the received value: it may be a secret.
    return `${name}: ${issue.message}`;
  });
}

function toConfig(env: Env): Config {
  const publicUrl = env.PUBLIC_URL ?? `http://localhost:${env.PORT}`;
  const redisFromParts = env.REDIS_HOST ? `redis://${env.REDIS_HOST}:${env.REDIS_PORT ?? 6379}` : undefined;
  const redisUrlValue = env.REDIS_URL ?? redisFromParts;
  const tokenKeys = [
    ...(env.TOKEN_ENCRYPTION_KEY ? [{ id: "primary", key: env.TOKEN_ENCRYPTION_KEY }] : []),
    ...(env.TOKEN_ENCRYPTION_KEYS ?? []),
  ];
  return {
    env: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    logPretty: env.LOG_PRETTY ?? false,
    port: env.PORT,
    publicUrl,
    dataDir: path.resolve(env.DATA_DIR),
    databaseUrl: env.DATABASE_URL,
    redis: redisUrlValue ? { url: redisUrlValue, keyPrefix: env.REDIS_KEY_PREFIX } : undefined,
    tokenKeys,
    telegram: {
      token: env.TELEGRAM_BOT_TOKEN,
      apiRoot: env.TELEGRAM_API_ROOT,
      webhookSecret: env.TELEGRAM_WEBHOOK_SECRET,
    },
    discord: { token: env.DISCORD_BOT_TOKEN, apiBase: env.DISCORD_API_BASE },
    notion: {
      clientId: env.NOTION_CLIENT_ID,
      clientSecret: env.NOTION_CLIENT_SECRET,
      redirectUri: env.NOTION_REDIRECT_URI ?? `${publicUrl}/oauth/notion/callback`,
      apiBaseUrl: env.NOTION_API_BASE_URL,
      requestsPerSecond: env.NOTION_REQUESTS_PER_SECOND,
    },
    openai: {
      apiKey: env.OPENAI_API_KEY ?? env.WHISPER_API_KEY,
      baseUrl: env.OPENAI_BASE_URL,
      transcribeModel: env.TRANSCRIBE_MODEL,
    },
    gemini: { apiKey: env.GEMINI_API_KEY, baseUrl: env.GEMINI_BASE_URL, model: env.GEMINI_MODEL },
    vision: {
      apiKey: env.GOOGLE_VISION_API_KEY,
      credentialsFile: env.GOOGLE_APPLICATION_CREDENTIALS,
      endpoint: env.VISION_API_ENDPOINT,
      localWorkers: env.OCR_LOCAL_WORKERS,
    },
    aiTimeoutMs: env.AI_TIMEOUT_SECONDS * 1000,
    prices: {
      transcriptionPerMinute: env.PRICE_TRANSCRIPTION_PER_MINUTE,
      visionPer1000Images: env.PRICE_VISION_PER_1000_IMAGES,
      geminiInputPer1MTokens: env.PRICE_GEMINI_INPUT_PER_1M_TOKENS,
      geminiOutputPer1MTokens: env.PRICE_GEMINI_OUTPUT_PER_1M_TOKENS,
    },
    media: {
      ytDlpPath: env.YT_DLP_PATH,
      ytDlpCookiesFile: env.YT_DLP_COOKIES_FILE,
      ytDlpProxy: env.YT_DLP_PROXY,
      ffmpegPath: env.FFMPEG_PATH,
      ffprobePath: env.FFPROBE_PATH,
      maxVideoBytes: env.MAX_VIDEO_MB * 1024 * 1024,
      maxVideoSeconds: env.MAX_VIDEO_SECONDS,
      maxFrames: env.MAX_FRAMES,
      downloadTimeoutMs: env.DOWNLOAD_TIMEOUT_SECONDS * 1000,
      extraAllowedHosts: env.MEDIA_EXTRA_ALLOWED_HOSTS,
    },
    botsEnabled: env.BOTS_ENABLED,
    jobs: {
      workerEnabled: env.WORKER_ENABLED,
      maxLinksPerHour: env.MAX_LINKS_PER_HOUR,
      maxAttempts: env.JOB_MAX_ATTEMPTS,
      leaseMs: env.JOB_LEASE_SECONDS * 1000,
      inFlight: env.JOBS_IN_FLIGHT,
      perUserInFlight: env.JOBS_PER_USER_IN_FLIGHT,
      textRetentionDays: env.JOB_TEXT_RETENTION_DAYS,
      concurrency: {
        download: env.CONCURRENCY_DOWNLOAD,
        ffmpeg: env.CONCURRENCY_FFMPEG,
        transcribe: env.CONCURRENCY_TRANSCRIBE,
        ocr: env.CONCURRENCY_OCR,
        summarize: env.CONCURRENCY_SUMMARIZE,
      },
      shutdownGraceMs: env.SHUTDOWN_GRACE_SECONDS * 1000,
    },
    loki: env.LOKI_HOST ? { host: env.LOKI_HOST, username: env.LOKI_USERNAME, password: env.LOKI_PASSWORD } : undefined,
    metricsToken: env.METRICS_TOKEN,
  };
}

/** The ports Telegram's setWebhook accepts; any other makes it refuse the webhook at start-up. */
const TELEGRAM_WEBHOOK_PORTS = ["443", "80", "88", "8443"];

/** With a webhook secret and an https PUBLIC_URL the bot asks Telegram for a webhook there; say now if Telegram would refuse it. */
function telegramWebhookProblem(env: Env): string | undefined {
  if (!env.TELEGRAM_BOT_TOKEN || !env.TELEGRAM_WEBHOOK_SECRET || !env.PUBLIC_URL) return undefined;
  const url = new URL(env.PUBLIC_URL);
  if (url.protocol !== "https:") return undefined;
  const port = url.port || "443";
  if (TELEGRAM_WEBHOOK_PORTS.includes(port)) return undefined;
  return `PUBLIC_URL: Telegram accepts webhooks only on ports 443, 80, 88 or 8443, not ${port}; serve the site on one of them (or unset TELEGRAM_WEBHOOK_SECRET for long polling)`;
}

function crossCheck(env: Env): string[] {
  const problems: string[] = [];
  if (env.NOTION_CLIENT_ID && !env.NOTION_CLIENT_SECRET) {
    problems.push("NOTION_CLIENT_SECRET: required when NOTION_CLIENT_ID is set");
  }
  if (env.NOTION_CLIENT_SECRET && !env.NOTION_CLIENT_ID) {
    problems.push("NOTION_CLIENT_ID: required when NOTION_CLIENT_SECRET is set");
  }
  if (env.REDIS_PORT && !env.REDIS_HOST && !env.REDIS_URL) {
    problems.push("REDIS_HOST: required when REDIS_PORT is set");
  }
  // Stand-in hosts let a local server pose as TikTok; a production service never needs one.
  if (env.NODE_ENV === "production" && env.MEDIA_EXTRA_ALLOWED_HOSTS.length > 0) {
    problems.push("MEDIA_EXTRA_ALLOWED_HOSTS: for tests and the demo only; not allowed with NODE_ENV=production");
  }
  const webhookProblem = telegramWebhookProblem(env);
  if (webhookProblem) problems.push(webhookProblem);
  // Embedded mode may generate a key into DATA_DIR; a shared Postgres needs one key for every instance.
  if (env.DATABASE_URL && !env.TOKEN_ENCRYPTION_KEY && !env.TOKEN_ENCRYPTION_KEYS) {
    problems.push("TOKEN_ENCRYPTION_KEY: required when DATABASE_URL is set (generate one with: openssl rand -base64 32)");
  }
  return problems;
}

/**
 * Reads and validates the configuration. `source` defaults to process.env plus `.env`
 * (real environment wins); tests pass their own object and skip `.env`.
 * @throws ConfigError naming every bad variable, never echoing values.
 */
export function loadConfig(source?: EnvSource): Config {
  let env: EnvSource;
  if (source) {
    env = source;
  } else {
    dotenv.config({ quiet: true });
    env = process.env;
  }
  // An empty value (`FOO=` in .env) means "not set", so defaults apply.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ""));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error));
  const problems = crossCheck(parsed.data);
  if (problems.length > 0) throw new ConfigError(problems);
  return toConfig(parsed.data);
}

import { createServer, type RequestListener, type Server } from "node:http";
import { languageNameOf } from "./i18n/index.ts";
import path from "node:path";
import { startTelegramBot } from "../bots/telegram/index.ts";
import { createWebApp } from "../web-oauth/app.ts";
import { mountTelegramWebhook } from "../web-oauth/telegram-webhook.ts";
import { mountFrontDoor } from "../web-oauth/front-door.ts";
import { mountLinking } from "../web-oauth/linking.ts";
import { answerWhileStarting } from "../web-oauth/starting.ts";
import { checkSummarizerModel, createDatabasePicker, createOnScreenTextReader, createSummarizer, createTranscriber } from "./ai/index.ts";
import { createChatCore, type ChatCore } from "./chat/core.ts";
import { Foreground } from "./chat/foreground.ts";
import { refreshUserSchemas } from "./chat/refresh-databases.ts";
import { createSignIn } from "./chat/sign-in.ts";
import { ConfigError, loadConfig, type Config } from "./config.ts";
import { openDatabase, type Database } from "./db/client.ts";
import { createRepositories, type Repositories } from "./db/repositories.ts";
import { createTokenCipher, loadOrCreateEmbeddedKey, type TokenCipher } from "./db/token-cipher.ts";
import { describeFeatures } from "./features.ts";
import { createAnswerSpool } from "./jobs/answer-spool.ts";
import type { PipelineDeps } from "./jobs/pipeline.ts";
import { createStageQueues } from "./jobs/queues.ts";
import { startTextRetention } from "./jobs/retention.ts";
import { createWorker, type Worker } from "./jobs/worker.ts";
import { createLogger, type Logger } from "./log.ts";
import { createMediaTools, readYtDlpVersion, YT_DLP_STALE_DAYS, type YtDlpVersion } from "./media/index.ts";
import { createMetrics, type Metrics } from "./metrics.ts";
import { createNotionApi } from "./notion/client.ts";
import { createNotionTokens } from "./notion/tokens.ts";
import { openStateStore, RedisStateStore, type StateStore } from "./state/index.ts";

/** Longest a job start waits for the chat answers in progress (a steady stream of messages must not starve the jobs). */
const FOREGROUND_WAIT_MS = 1000;

/** A running service, as tests and the demo hold it. */
export interface Service {
  config: Config;
  db: Database;
  /** The repositories over `db`: the way everything else reaches a table. */
  repos: Repositories;
  state: StateStore;
  chat: ChatCore;
  worker: Worker | undefined;
  pipeline: PipelineDeps;
  metrics: Metrics;
  /** The port the web site listens on (useful when PORT=0). */
  port: number;
  close(): Promise<void>;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, () => {
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : port);
    });
  });
}

/** Tests only: called once the site listens and before anything else starts (start-up waits for it). */
export interface StartHooks {
  onListening?(port: number): Promise<void> | void;
}

/**
 * The composition root: config -> db -> state store -> integrations -> jobs -> web -> bots.
 * The one module allowed to import bots/ and web-oauth/.
 */
export async function startService(requested: Config, log: Logger, hooks: StartHooks = {}): Promise<Service> {
  // Listen first: with PORT=0 the links we hand out must name the port we really got.
  // Until the site is wired, every request is answered at once (503 + Retry-After, /health "starting").
  let handle: RequestListener = answerWhileStarting;
  const server = createServer((req, res) => handle(req, res));
  const port = await listen(server, requested.port);
  log.info({ port }, "web site listening; starting");
  try {
    await hooks.onListening?.(port);
    return await wire(withListeningPort(requested, port), log, server, port, (app) => (handle = app));
  } catch (error) {
    server.close();
    throw error;
  }
}

/** Opens every part in order and connects them; `server` is already listening on `port`. */
async function wire(config: Config, log: Logger, server: Server, port: number, serve: (app: RequestListener) => void): Promise<Service> {
  // Before anything is opened: a wrong model name is a configuration error, not a failed job per video.
  await checkSummarizerModel(config, log);
  const db = await openDatabase(config, log);
  const state = openStateStore(config);
  const cipher = await openTokenCipher(config, log);
  const repos = createRepositories(db, cipher);
  const metrics = createMetrics(config, repos.jobs, repos.usage);
  const notion = createNotionApi(config.notion, log, {
    sharedLimits: state instanceof RedisStateStore ? state.client : undefined,
    renewToken: (expired) => tokens.renew(expired),
  });
  const tokens = createNotionTokens({ connections: repos.connections, oauth: config.notion, bindWorkspace: notion.bindWorkspace, log });
  const loadNotionToken = tokens.load;
  const refreshSchemas = (userId: string) => refreshUserSchemas(notion, repos.schemas, userId, loadNotionToken);
  const media = createMediaTools(config.media, log, { workRoot: path.join(config.dataDir, "work") });
  const ytDlp = await checkYtDlp(config, log, metrics);
  const swept = await media.sweepStaleWorkDirs();
  if (swept > 0) log.info({ swept }, "removed work folders left by a crash");
  const answers = createAnswerSpool(path.join(config.dataDir, "answers"), log);
  const stale = await answers.sweep();
  if (stale > 0) log.info({ stale }, "removed the spooled answers of jobs untouched for a day");

  let worker: Worker | undefined;
  const foreground = new Foreground();
  const chat = createChatCore({
    foreground,
    repos,
    state,
    log,
    publicUrl: config.publicUrl,
    linkOptions: { extraAllowedHosts: config.media.extraAllowedHosts },
    maxLinksPerHour: config.jobs.maxLinksPerHour,
    summaryOff: !config.gemini.apiKey,
    prices: config.prices,
    wakeWorker: () => worker?.wake(),
    refreshDatabases: async (userId) => (await refreshSchemas(userId)).map((r) => ({ id: r.id, title: r.title, tag: r.tag })),
    revokeNotion: tokens.revoke,
  });
  const ocr = createOnScreenTextReader(config, log);
  const pipeline: PipelineDeps = {
    summaryLanguageOf: async (jobId) => languageNameOf((await repos.people.languageOfJob(jobId))?.chosen),
    recordUsage: (job, usage) => repos.usage.record(job.userId, job.id, usage),
    databasePicker: createDatabasePicker(config, log),
    jobs: repos.jobs,
    schemas: repos.schemas,
    log,
    media,
    answers,
    transcriber: createTranscriber(config, log),
    ocr,
    summarizer: createSummarizer(config, log),
    maxAttempts: config.jobs.maxAttempts,
    notion,
    loadNotionToken,
    refreshSchemas: async (userId) => void (await refreshSchemas(userId)),
    sink: chat.progress,
    sentFiles: {},
    queues: createStageQueues(config.jobs.concurrency),
    today: () => new Date().toISOString().slice(0, 10),
    metrics,
  };
  if (config.jobs.workerEnabled) {
    worker = createWorker(pipeline, {
      jobs: config.jobs,
      onNotionRevoked: (userId) => repos.connections.markRevoked(userId),
      yieldTo: () => foreground.quiet(FOREGROUND_WAIT_MS),
    });
  }

  const telegram = config.telegram.token
    ? await startTelegramBot({ config, log, chat, state, receive: config.botsEnabled ? "updates" : "send-only" })
    : undefined;
  // discord.js takes over a second to load: only when Discord is configured.
  const discord = config.discord.token
    ? await (await import("../bots/discord/index.ts")).startDiscordBot({ config, log, chat, receive: config.botsEnabled ? "gateway" : "send-only" })
    : undefined;
  for (const bot of [telegram, discord]) if (bot) chat.registerAdapter(bot.adapter);
  if (telegram) pipeline.sentFiles.TELEGRAM = telegram.files;
  if (discord) pipeline.sentFiles.DISCORD = discord.files;
  const botLinks = { telegram: telegram?.link, discord: discord?.link };
  const signIn = createSignIn({ repos, notion, notionOAuth: config.notion, notifier: chat.notifier, log });
  const app = createWebApp({
    log,
    readiness: [
      { name: "database", check: () => db.ping() },
      { name: state.kind === "redis" ? "redis" : "state store", check: () => state.ping() },
    ],
    readinessDetails: () => ({ ytDlp: ytDlp ?? { version: "unknown" } }),
    metrics: { contentType: metrics.registry.contentType, render: () => metrics.registry.metrics(), token: config.metricsToken },
    mount: (site) => {
      mountLinking(site, { config, log, state, signIn, botLinks });
      mountFrontDoor(site, { botLinks, textRetentionDays: config.jobs.textRetentionDays, maxLinksPerHour: config.jobs.maxLinksPerHour });
      if (telegram?.handleWebhookUpdate && config.telegram.webhookSecret) {
        mountTelegramWebhook(site, { secret: config.telegram.webhookSecret, handle: telegram.handleWebhookUpdate });
      }
    },
  });
  serve(app);
  log.info({ port, publicUrl: config.publicUrl }, "web site ready");
  worker?.start();
  const retention = config.jobs.workerEnabled ? startTextRetention({ jobs: repos.jobs, days: config.jobs.textRetentionDays, log }) : undefined;

  for (const feature of describeFeatures(config)) {
    log.info({ feature: feature.name, enabled: feature.enabled }, `${feature.name}: ${feature.detail}`);
  }

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await Promise.all([telegram?.stop(), discord?.stop()]);
      retention?.stop();
      await worker?.stop(config.jobs.shutdownGraceMs);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await ocr.close();
      metrics.close();
      await state.close();
      await db.close();
    })());
  return { config, db, repos, state, chat, worker, pipeline, metrics, port, close };
}

/**
 * Reads `yt-dlp --version` once: TikTok and Instagram break old releases within weeks, so an old
 * one is a warning for the operator; the version goes to /ready's details and /metrics.
 */
async function checkYtDlp(config: Config, log: Logger, metrics: Metrics): Promise<YtDlpVersion | undefined> {
  const found = await readYtDlpVersion(config.media);
  if (!found) {
    log.warn({ ytDlp: config.media.ytDlpPath }, "could not read `yt-dlp --version`: links cannot be downloaded until YT_DLP_PATH names a working yt-dlp");
    return undefined;
  }
  metrics.ytDlpVersion(found.version, found.ageDays);
  if (found.stale) {
    log.warn(
      { ytDlp: found },
      `yt-dlp ${found.version} is ${found.ageDays} days old (over ${YT_DLP_STALE_DAYS}): TikTok and Instagram break old releases; update it (pip install -U yt-dlp, or rebuild the container)`,
    );
  } else {
    log.info({ ytDlp: found }, "yt-dlp version");
  }
  return found;
}

/** With PORT=0 and no PUBLIC_URL, the default public address names the port the OS gave us. */
function withListeningPort(config: Config, port: number): Config {
  const defaultUrl = "http://localhost:0";
  if (config.port !== 0 || config.publicUrl !== defaultUrl) return config;
  const publicUrl = `http://localhost:${port}`;
  const redirectUri = config.notion.redirectUri.startsWith(defaultUrl) ? config.notion.redirectUri.replace(defaultUrl, publicUrl) : config.notion.redirectUri;
  return { ...config, port, publicUrl, notion: { ...config.notion, redirectUri } };
}

/** The token cipher: configured keys, or on embedded defaults a key generated once into DATA_DIR. */
async function openTokenCipher(config: Config, log: Logger): Promise<TokenCipher> {
  const keys = config.tokenKeys.length > 0 ? config.tokenKeys : [await loadOrCreateEmbeddedKey(config.dataDir, log)];
  return createTokenCipher(keys);
}

/** Runs the service as `npm start` does (src/main.ts): configured from the environment, stopped by SIGTERM or SIGINT. */
export async function runService(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const log = createLogger(config);
  let service: Service;
  try {
    service = await startService(config, log);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    log.fatal({ err: error }, "could not start");
    process.exit(1);
  }
  log.info("reelnotes is running; press Ctrl-C to stop");

  const stop = (signal: string) => {
    log.info({ signal }, "shutting down");
    const hardStop = setTimeout(() => {
      log.error("shutdown took longer than 10 s; exiting anyway");
      process.exit(1);
    }, 10_000);
    hardStop.unref();
    service.close().then(
      () => {
        log.info("stopped cleanly");
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
}

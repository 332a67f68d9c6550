import { createServer, type Server } from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { startDiscordBot } from "../bots/discord/index.ts";
import { startTelegramBot } from "../bots/telegram/index.ts";
import { createWebApp } from "../web-oauth/app.ts";
import { mountTelegramWebhook } from "../web-oauth/telegram-webhook.ts";
import { mountLinking } from "../web-oauth/linking.ts";
import { createOnScreenTextReader, createSummarizer, createTranscriber } from "./ai/index.ts";
import { createChatCore, type ChatCore } from "./chat/core.ts";
import { ConfigError, loadConfig, type Config } from "./config.ts";
import { openDatabase, type Database } from "./db/client.ts";
import { loadAccessToken, markConnectionRevoked } from "./db/connections.ts";
import { createTokenCipher, loadOrCreateEmbeddedKey, type TokenCipher } from "./db/token-cipher.ts";
import { describeFeatures } from "./features.ts";
import type { PipelineDeps } from "./jobs/pipeline.ts";
import { createStageQueues } from "./jobs/queues.ts";
import { createWorker, type Worker } from "./jobs/worker.ts";
import { createLogger, type Logger } from "./log.ts";
import { createMediaTools } from "./media/index.ts";
import { createNotionApi } from "./notion/client.ts";
import { refreshUserSchemas } from "./notion/refresh.ts";
import { openStateStore, type StateStore } from "./state/index.ts";

/** A running service, as tests and the demo hold it. */
export interface Service {
  config: Config;
  db: Database;
  state: StateStore;
  chat: ChatCore;
  worker: Worker | undefined;
  pipeline: PipelineDeps;
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

/**
 * The composition root: config -> db -> state store -> integrations -> jobs -> web -> bots.
 * The one module allowed to import bots/ and web-oauth/.
 */
export async function startService(config: Config, log: Logger): Promise<Service> {
  const db = await openDatabase(config, log);
  const state = openStateStore(config);
  const cipher = await openTokenCipher(config, log);
  const loadNotionToken = (userId: string) => loadAccessToken(db.prisma, cipher, userId);
  const notion = createNotionApi(config.notion, log);
  const media = createMediaTools(config.media, log, { workRoot: path.join(config.dataDir, "work") });
  const swept = await media.sweepStaleWorkDirs();
  if (swept > 0) log.info({ swept }, "removed work folders left by a crash");

  let worker: Worker | undefined;
  const chat = createChatCore({
    db,
    state,
    log,
    publicUrl: config.publicUrl,
    linkOptions: { extraAllowedHosts: config.media.extraAllowedHosts },
    maxLinksPerHour: config.jobs.maxLinksPerHour,
    wakeWorker: () => worker?.wake(),
    refreshDatabases: async (userId) => (await refreshUserSchemas(notion, db.prisma, userId, loadNotionToken)).map((r) => ({ id: r.id, title: r.title, tag: r.tag })),
  });
  const ocr = createOnScreenTextReader(config, log);
  const pipeline: PipelineDeps = {
    db,
    log,
    media,
    transcriber: createTranscriber(config, log),
    ocr,
    summarizer: createSummarizer(config, log),
    notion,
    loadNotionToken,
    sink: chat.progress,
    queues: createStageQueues(config.jobs.concurrency),
    today: () => new Date().toISOString().slice(0, 10),
  };
  if (config.jobs.workerEnabled) {
    worker = createWorker(pipeline, { jobs: config.jobs, onNotionRevoked: (userId) => markConnectionRevoked(db.prisma, userId) });
  }

  const botLinks: { telegram?: string; discord?: string } = {};
  const telegram = config.telegram.token
    ? await startTelegramBot({ config, log, chat, state, receive: config.botsEnabled ? "updates" : "send-only" })
    : undefined;
  const discord = config.discord.token
    ? await startDiscordBot({ config, log, chat, receive: config.botsEnabled ? "gateway" : "send-only" })
    : undefined;
  for (const bot of [telegram, discord]) if (bot) chat.registerAdapter(bot.adapter);
  botLinks.telegram = telegram?.link;
  botLinks.discord = discord?.link;
  const app = createWebApp({
    log,
    readiness: [
      { name: "database", check: () => db.ping() },
      { name: state.kind === "redis" ? "redis" : "state store", check: () => state.ping() },
    ],
    mount: (site) => {
      mountLinking(site, { config, log, prisma: db.prisma, state, cipher, notifier: chat.notifier, botLinks });
      if (telegram?.handleWebhookUpdate && config.telegram.webhookSecret) {
        mountTelegramWebhook(site, { secret: config.telegram.webhookSecret, handle: telegram.handleWebhookUpdate });
      }
    },
  });
  const server = createServer(app);
  const port = await listen(server, config.port);
  log.info({ port, publicUrl: config.publicUrl }, "web site listening");
  worker?.start();

  for (const feature of describeFeatures(config)) {
    log.info({ feature: feature.name, enabled: feature.enabled }, `${feature.name}: ${feature.detail}`);
  }

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await Promise.all([telegram?.stop(), discord?.stop()]);
      await worker?.stop(config.jobs.shutdownGraceMs);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await ocr.close();
      await state.close();
      await db.close();
    })());
  return { config, db, state, chat, worker, pipeline, port, close };
}

/** The token cipher: configured keys, or on embedded defaults a key generated once into DATA_DIR. */
async function openTokenCipher(config: Config, log: Logger): Promise<TokenCipher> {
  const keys = config.tokenKeys.length > 0 ? config.tokenKeys : [await loadOrCreateEmbeddedKey(config.dataDir, log)];
  return createTokenCipher(keys);
}

async function main(): Promise<void> {
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

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}

import { createServer, type Server } from "node:http";
import { pathToFileURL } from "node:url";
import { createWebApp } from "../web-oauth/app.ts";
import { ConfigError, loadConfig, type Config } from "./config.ts";
import { openDatabase, type Database } from "./db/client.ts";
import { describeFeatures } from "./features.ts";
import { createLogger, type Logger } from "./log.ts";
import { openStateStore, type StateStore } from "./state/index.ts";

/** A running service, as tests and the demo hold it. */
export interface Service {
  config: Config;
  db: Database;
  state: StateStore;
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
  const app = createWebApp({
    log,
    readiness: [
      { name: "database", check: () => db.ping() },
      { name: state.kind === "redis" ? "redis" : "state store", check: () => state.ping() },
    ],
  });
  const server = createServer(app);
  const port = await listen(server, config.port);
  log.info({ port, publicUrl: config.publicUrl }, "web site listening");

  for (const feature of describeFeatures(config)) {
    log.info({ feature: feature.name, enabled: feature.enabled }, `${feature.name}: ${feature.detail}`);
  }

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await state.close();
      await db.close();
    })());
  return { config, db, state, port, close };
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

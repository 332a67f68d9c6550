import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { createConnectLink } from "../../src/chat/connect-link.ts";
import type { LinkNotifier } from "../../src/chat/notifier.ts";
import { createSignIn } from "../../src/chat/sign-in.ts";
import { loadConfig, type Config } from "../../src/config.ts";
import type { Database } from "../../src/db/client.ts";
import { createRepositories, type Repositories } from "../../src/db/repositories.ts";
import { createTokenCipher, type TokenCipher } from "../../src/db/token-cipher.ts";
import { createLogger } from "../../src/log.ts";
import { createNotionApi } from "../../src/notion/client.ts";
import { RedisStateStore } from "../../src/state/redis.ts";
import { createWebApp } from "../../web-oauth/app.ts";
import { mountLinking } from "../../web-oauth/linking.ts";
import { openFreshDatabase } from "../harness/postgres.ts";
import { TEST_REDIS_URL, testRedisPrefix } from "../harness/redis.ts";

/**
 * The linking site as tests use it: a fresh Postgres database, Redis state under its own prefix,
 * a captured log, a recording notifier, and the site listening on a random local port.
 */
export interface LinkingSite {
  url: string;
  config: Config;
  db: Database;
  state: RedisStateStore;
  redisPrefix: string;
  cipher: TokenCipher;
  repos: Repositories;
  encryptionKey: string;
  /** Every log line the service wrote. */
  logLines: string[];
  /** Every "connected" message the chat would have sent. */
  notified: Parameters<LinkNotifier["notifyConnected"]>[];
  /** Every "still looking for your databases" message the chat would have sent. */
  stillLooking: Parameters<LinkNotifier["notifyStillLooking"]>[];
  /** The new looks for databases the sign-in has scheduled and that have not run yet, oldest first: a test runs them. */
  lookAgain: { delayMs: number; run(): Promise<void> }[];
  /** A user with one chat identity on `platform`, named `@ada` unless `account` says otherwise. */
  newIdentity(platform?: "TELEGRAM" | "DISCORD", account?: { displayName?: string | null; locale?: string }): Promise<{ identityId: string; userId: string }>;
  connectLink(identityId: string): Promise<string>;
  /** Every row the linking flow could touch, as text: equal snapshots mean nothing changed. */
  snapshot(): Promise<string>;
  close(): Promise<void>;
}

export const TELEGRAM_BOT_LINK = "https://t.me/reelnotes_test_bot";

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
}

/** Starts the site against a Notion API at `notionUrl` (the emulator), as the integration `notionClient`. */
export async function startLinkingSite(options: {
  notionUrl: string;
  notionClient: { clientId: string; clientSecret: string };
}): Promise<LinkingSite> {
  const fresh = await openFreshDatabase();
  const server = createServer();
  const port = await listen(server);
  const url = `http://127.0.0.1:${port}`;
  const encryptionKey = randomBytes(32).toString("base64");
  const config = loadConfig({
    NODE_ENV: "test",
    PUBLIC_URL: url,
    DATABASE_URL: fresh.url,
    TOKEN_ENCRYPTION_KEY: encryptionKey,
    NOTION_CLIENT_ID: options.notionClient.clientId,
    NOTION_CLIENT_SECRET: options.notionClient.clientSecret,
    NOTION_API_BASE_URL: options.notionUrl,
  });
  const logLines: string[] = [];
  const log = createLogger(
    { logLevel: "trace", logPretty: false },
    new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk));
        done();
      },
    }),
  );
  const redisPrefix = testRedisPrefix("linking");
  const state = new RedisStateStore(TEST_REDIS_URL, redisPrefix);
  const cipher = createTokenCipher(config.tokenKeys);
  const repos = createRepositories(fresh.db, cipher);
  const notified: LinkingSite["notified"] = [];
  const stillLooking: LinkingSite["stillLooking"] = [];
  const lookAgain: LinkingSite["lookAgain"] = [];
  const notifier: LinkNotifier = {
    notifyConnected: async (...args) => {
      notified.push(args);
    },
    notifyStillLooking: async (...args) => {
      stillLooking.push(args);
    },
  };
  const app = createWebApp({
    log,
    readiness: [],
    mount: (web) =>
      mountLinking(web, {
        config,
        log,
        state,
        signIn: createSignIn({
          repos,
          notion: createNotionApi(config.notion, log),
          notionOAuth: config.notion,
          notifier,
          log,
          later: (delayMs, run) => void lookAgain.push({ delayMs, run }),
        }),
        botLinks: { telegram: TELEGRAM_BOT_LINK },
      }),
  });
  server.on("request", app);

  const prisma = fresh.db.prisma;
  return {
    url,
    config,
    db: fresh.db,
    state,
    redisPrefix,
    cipher,
    repos,
    encryptionKey,
    logLines,
    notified,
    stillLooking,
    lookAgain,
    async newIdentity(platform = "TELEGRAM", account = {}) {
      const externalUserId = String(Math.floor(Math.random() * 1e12));
      const displayName = account.displayName === undefined ? "@ada" : account.displayName;
      const user = await prisma.user.create({
        data: { identities: { create: { platform, externalUserId, dmChatId: externalUserId, displayName, locale: account.locale ?? null } } },
        include: { identities: true },
      });
      return { identityId: user.identities[0]!.id, userId: user.id };
    },
    connectLink: (identityId) => createConnectLink(state, url, identityId),
    async snapshot() {
      const [connections, schemas, users, identities] = await Promise.all([
        prisma.notionConnection.findMany({ orderBy: { id: "asc" } }),
        prisma.notionSchema.findMany({ orderBy: { id: "asc" } }),
        prisma.user.findMany({ orderBy: { id: "asc" } }),
        prisma.chatIdentity.findMany({ orderBy: { id: "asc" } }),
      ]);
      return JSON.stringify({ connections, schemas, users, identities });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await state.close();
      await fresh.cleanup();
    },
  };
}

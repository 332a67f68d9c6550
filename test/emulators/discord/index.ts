import { discordContract } from "../../contracts/discord.ts";
import { type EmulatorHandle, type Fault, type LoggedRequest, startEmulator } from "../kit.ts";
import { APPLICATION_FLAGS } from "./api-objects.ts";
import { Gateway, type GatewayFrame, Intents } from "./gateway.ts";
import { nextSnowflake } from "./ids.ts";
import { matchRoute, type RateLimitFault, type RateLimitScope, respondLikeDiscord, type RouteMatcher } from "./rate-limits.ts";
import { mountRest } from "./rest.ts";
import { scriptedUser, type ScriptedUser } from "./scripted-user.ts";
import { type ApiUser, DiscordStore, type InteractionRecord, type RegisteredCommand } from "./store.ts";
import { describeTranscript, transcriptOf, type TranscriptEntry } from "./transcript.ts";
import type { DiscordWorld } from "./world.ts";

/**
 * An emulated Discord for tests: the REST API under `/api/v10` and the gateway over WebSocket,
 * driven by scripted users whose transcripts show what they would see.
 *
 * @example
 * const discord = await startDiscordEmulator({ heartbeatIntervalMs: 1000 });
 * const client = new Client({ intents: [GatewayIntentBits.DirectMessages, GatewayIntentBits.MessageContent],
 *   partials: [Partials.Channel], rest: { api: discord.apiBase } });
 * await client.login(discord.token);
 * discord.user("1001", { username: "ada" }).sendDm("hi");
 */

export { DiscordRoutes, type RateLimitScope, type RouteMatcher } from "./rate-limits.ts";
export { Intents } from "./gateway.ts";
export type { AttachmentInput } from "./cdn.ts";
export type { ScriptedUser, MessageMatcher, OptionValue, AutocompleteChoice } from "./scripted-user.ts";
export type { TranscriptEntry, TranscriptButton } from "./transcript.ts";
export type { InteractionRecord, InteractionResponse, RegisteredCommand, ApiUser } from "./store.ts";
export type { Embed, ActionRow, Button } from "./message-payload.ts";
export type { GatewayFrame } from "./gateway.ts";

/** How the emulated Discord is set up. */
export interface DiscordEmulatorOptions {
  /** The bot token clients must present (default "emulated-bot-token"). */
  token?: string;
  /** The bot user (default id "900000000000000001", username "reelnotes"). */
  bot?: { id?: string; username?: string };
  /** The application id (default: the bot user id, as for bots made in the developer portal). */
  applicationId?: string;
  /** HELLO's heartbeat interval (default 41250 ms, as Discord; tests use less). */
  heartbeatIntervalMs?: number;
  /** How long after dispatch an interaction accepts its initial response (default 3000 ms). */
  interactionResponseWindowMs?: number;
  /** How long an interaction token works for edits and follow-ups (default 15 minutes). */
  interactionTokenLifetimeMs?: number;
  /** Privileged intents enabled for the app (default all: GuildMembers | GuildPresences | MessageContent). */
  allowedPrivilegedIntents?: number;
}

/** A running emulated Discord. */
export interface DiscordEmulator {
  /** Base URL of the HTTP server, e.g. http://127.0.0.1:PORT. */
  url: string;
  /** What discord.js takes as `rest.api` (and `DISCORD_API_BASE` holds): `${url}/api`. */
  apiBase: string;
  /** The gateway URL `GET /gateway/bot` hands out (ws://127.0.0.1:PORT2). */
  gatewayUrl: string;
  token: string;
  bot: ApiUser;
  applicationId: string;
  /** The kit handle: request log, latency and fault knobs. */
  http: EmulatorHandle;
  /** Every REST request, in order. */
  requests: LoggedRequest[];
  /** Every gateway frame in and out, in order. */
  gatewayFrames: GatewayFrame[];
  /** IDENTIFY/RESUME/heartbeat counts and open connections, to assert a reconnect happened. */
  gatewayStats(): { identifies: number; resumes: number; heartbeats: number; openConnections: number };
  /** Whether the bot's session has a live gateway connection now. */
  isGatewayConnected(): boolean;
  /** The commands the bot registered (bulk overwrite replaces them). */
  readonly commands: RegisteredCommand[];
  /** Every interaction dispatched so far (live records). */
  readonly interactions: InteractionRecord[];
  /** The scripted user `id` (created on first call with their DM channel). */
  /** A scripted person; `locale` is their Discord client's language (default `en-US`), sent with their interactions. */
  user(id: string, profile?: { username?: string; locale?: string }): ScriptedUser;
  /** What user `id` sees in their DM with the bot, including interaction responses. */
  transcript(userId: string): TranscriptEntry[];
  /** Resolves with the first truthy value of `check`, re-checked on every change (default 5 s). */
  waitFor<T>(check: () => T | undefined | null | false, timeoutMs?: number): Promise<T>;
  /** Answers the next `count` requests matching `route` with Discord's 429 (retry_after, X-RateLimit-* headers). */
  rateLimitNext(count: number, route?: RouteMatcher, limit?: { retryAfterSeconds?: number; scope?: RateLimitScope }): void;
  /** Answers the next request matching `route` with `fault` (429/500/503/hang) in Discord's shape. */
  failNext(fault: Fault, route?: RouteMatcher): void;
  /** How many times each attachment (by id) was downloaded from the CDN. */
  readonly attachmentDownloads: Map<string, number>;
  /** Every attachment URL handed out so far stops working (as a day later); reading the message again gives a fresh one. */
  expireAttachmentUrls(): void;
  /** Drops every gateway connection; by default the bot can RESUME, with `invalidateSession` it must IDENTIFY again. */
  dropGatewayConnections(options?: { invalidateSession?: boolean; code?: number }): void;
  stop(): Promise<void>;
}

/** Starts the REST server and the gateway on random local ports. */
export async function startDiscordEmulator(options: DiscordEmulatorOptions = {}): Promise<DiscordEmulator> {
  const token = options.token ?? "emulated-bot-token";
  const botId = options.bot?.id ?? "900000000000000001";
  const username = options.bot?.username ?? "reelnotes";
  const bot: ApiUser = { id: botId, username, global_name: null, discriminator: "0", avatar: null, bot: true, public_flags: 0, flags: 0, primary_guild: null };
  const applicationId = options.applicationId ?? botId;
  const store = new DiscordStore(bot, applicationId);
  const gateway = new Gateway({
    token,
    bot,
    application: { id: applicationId, flags: APPLICATION_FLAGS },
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
    allowedPrivilegedIntents: options.allowedPrivilegedIntents ?? Intents.GuildMembers | Intents.GuildPresences | Intents.MessageContent,
    host: "127.0.0.1",
  });
  await gateway.start();
  const world: DiscordWorld = {
    store,
    gateway,
    token,
    timing: {
      responseWindowMs: options.interactionResponseWindowMs ?? 3000,
      tokenLifetimeMs: options.interactionTokenLifetimeMs ?? 15 * 60_000,
    },
  };
  const http = await startEmulator((app) => mountRest(app, world), { respondToFault: respondLikeDiscord, contract: discordContract() });
  store.cdn.base = http.url;
  const users = new Map<string, ScriptedUser>();

  return {
    url: http.url,
    apiBase: `${http.url}/api`,
    gatewayUrl: gateway.url,
    token,
    bot,
    applicationId,
    http,
    requests: http.requests,
    gatewayFrames: gateway.frames,
    gatewayStats: () => gateway.stats,
    isGatewayConnected: () => gateway.isConnected,
    get commands() {
      return store.commands;
    },
    get interactions() {
      return [...store.interactions.values()];
    },
    user(id, profile = {}) {
      let user = users.get(id);
      if (!user) {
        user = scriptedUser(world, id, profile.username, profile.locale);
        users.set(id, user);
      }
      return user;
    },
    transcript: (userId) => transcriptOf(store, userId),
    waitFor: (check, timeoutMs = 5000) =>
      store.waitFor(check, timeoutMs, () =>
        [...store.users.keys()].map((id) => `User ${id}: ${describeTranscript(transcriptOf(store, id))}`).join("\n"),
      ),
    rateLimitNext(count, route = {}, limit = {}) {
      for (let i = 0; i < count; i++) {
        const fault: RateLimitFault = { kind: "429", retryAfterSeconds: limit.retryAfterSeconds ?? 1, scope: limit.scope ?? "user" };
        http.failNext(fault, matchRoute(route));
      }
    },
    failNext: (fault, route = {}) => http.failNext(fault, matchRoute(route)),
    attachmentDownloads: store.cdn.downloads,
    expireAttachmentUrls: () => store.cdn.expireUrls(),
    dropGatewayConnections: (dropOptions) => gateway.dropConnections(dropOptions),
    async stop() {
      await gateway.stop();
      await http.stop();
    },
  };
}

/** A fresh snowflake, for tests that need ids of users or things the emulator has not made. */
export const snowflake = (): string => nextSnowflake();

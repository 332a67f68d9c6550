import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ChatAdapter, OutgoingMessage, SentMessage } from "../../src/chat/adapter.ts";
import { loadConfig } from "../../src/config.ts";
import type { Job } from "../../src/db/jobs.ts";
import type { Person } from "../../src/db/people.ts";
import { acceptLinks } from "../../src/jobs/intake.ts";
import { parseVideoLinks } from "../../src/links.ts";
import { createLogger, type Logger } from "../../src/log.ts";
import { startService, type Service } from "../../src/service.ts";
import { createNotionApi } from "../../src/notion/client.ts";
import { refreshUserSchemas } from "../../src/chat/refresh-databases.ts";
import type { World } from "./world.ts";

/** A running service pointed at a world, with its own data folder. */
export interface TestService extends Service {
  dataDir: string;
  stop(): Promise<void>;
}

/** Starts the real service against `world` and `databaseUrl` (a fresh test database); `log` to read its lines back. */
export async function startTestService(
  world: World,
  databaseUrl: string | undefined,
  env: Record<string, string> = {},
  logger?: Logger,
): Promise<TestService> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "reelnotes-service-"));
  const config = loadConfig({ ...world.env, DATA_DIR: dataDir, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}), ...env });
  const log = logger ?? createLogger(config);
  const service = await startService(config, log);
  return {
    ...service,
    dataDir,
    stop: async () => {
      await service.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** What a recording chat adapter saw: every message with its edits. */
export interface RecordedMessage extends SentMessage {
  history: OutgoingMessage[];
}

/** A chat adapter that keeps everything the bot said, for tests of the core and pipeline. */
export function recordingAdapter(platform: "TELEGRAM" | "DISCORD" = "TELEGRAM"): ChatAdapter & { messages: RecordedMessage[] } {
  const messages: RecordedMessage[] = [];
  let next = 1;
  return {
    platform,
    messages,
    async send(chatId, message) {
      const sent = { chatId, messageId: String(next++), history: [message] };
      messages.push(sent);
      return { chatId: sent.chatId, messageId: sent.messageId };
    },
    async edit(chatId, messageId, message) {
      const found = messages.find((m) => m.chatId === chatId && m.messageId === messageId);
      if (!found) throw new Error(`no message ${messageId} in chat ${chatId}`);
      found.history.push(message);
    },
    async typing() {},
  };
}

/**
 * A chat person already connected to the world's Notion workspace, with its databases synced
 * and `tag` (or the first database) chosen — the state after the linking journey.
 */
export async function connectedPerson(service: Pick<Service, "repos" | "config">, world: World, externalUserId = "1001", tag?: string): Promise<Person> {
  const person = await service.repos.people.ensurePerson({ platform: "TELEGRAM", externalUserId, chatId: externalUserId, displayName: "Ada" });
  const token = world.notion.grantToken();
  await service.repos.connections.save(person.userId, {
    accessToken: token,
    workspaceId: world.notion.workspace.id,
    workspaceName: world.notion.workspace.name,
    botId: "bot-test",
  });
  const api = createNotionApi(service.config.notion, createLogger({ logLevel: "silent", logPretty: false }));
  const rows = await refreshUserSchemas(api, service.repos.schemas, person.userId, async () => token);
  const chosen = rows.find((r) => r.tag === tag) ?? rows[0]!;
  await service.repos.people.chooseDatabase(person.userId, chosen.id);
  return { ...person, activeSchemaId: chosen.id };
}

/** Queues the world's post at `url` for `person` as the chat would, wakes the worker and returns the job once it is DONE or FAILED. */
export async function runLinkToEnd(service: TestService, world: World, person: Person, url: string): Promise<Job> {
  const links = parseVideoLinks(url, { extraAllowedHosts: [world.videoHost.host] });
  const [outcome] = await acceptLinks(
    { jobs: service.repos.jobs, state: service.state, maxLinksPerHour: 30 },
    { userId: person.userId, identityId: person.identityId, sourceText: url, links, schemaId: person.activeSchemaId, status: "QUEUED" },
  );
  if (outcome?.kind !== "queued") throw new Error(`expected the link queued, got ${outcome?.kind}`);
  service.worker!.wake();
  return waitUntil(async () => {
    const job = await service.repos.jobs.find(outcome.job.id);
    return job && ["DONE", "FAILED"].includes(job.status) ? job : undefined;
  }, 90_000, "the job to finish");
}

/** Waits until `probe` returns something truthy. */
export async function waitUntil<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 60_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

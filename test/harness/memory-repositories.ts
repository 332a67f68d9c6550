/**
 * In-memory repositories behind the same interfaces as src/db's, for fast tests of the chat
 * core: no database, every call answered in microseconds. They keep the rules a caller can
 * observe (tags unique per person, a job updated only under its lease, a revoked connection
 * has no token); the real repositories are tested against Postgres in test/db and test/jobs.
 */
import { randomUUID } from "node:crypto";
import type { ConnectionRepository, GrantToSave } from "../../src/db/connections.ts";
import { LeaseLostError, progressMessagesOf, TEXT_CHECKPOINTS, type Job, type JobRepository, type NewJob } from "../../src/db/jobs.ts";
import type { ChatIdentity, ChatPlatform, PeopleRepository } from "../../src/db/people.ts";
import type { Repositories } from "../../src/db/repositories.ts";
import { english } from "../../src/i18n/index.ts";
import { assignTags } from "../../src/db/schema-tags.ts";
import type { NotionSchema, SchemaRepository } from "../../src/db/schemas.ts";
import { sumEntries, type UsageEntry, type UsageRepository } from "../../src/db/usage.ts";

/** What the in-memory repositories hold, open for tests to arrange and inspect. */
export interface MemoryTables {
  users: Map<string, { activeSchemaId: string | null; language: string | null }>;
  identities: Map<string, { id: string; userId: string; platform: ChatPlatform; externalUserId: string; dmChatId: string; displayName?: string; locale: string | null }>;
  connections: Map<string, GrantToSave & { revoked: boolean }>;
  schemas: Map<string, NotionSchema>;
  jobs: Map<string, Job>;
  usage: (UsageEntry & { userId: string; jobId: string | undefined; createdAt: Date })[];
}

/** Repositories over plain maps, plus the maps themselves. */
/** JobStage in the order the pipeline goes through it (as the Postgres enum declares it). */
const STAGE_ORDER = ["DOWNLOAD", "EXTRACT", "ANALYZE", "SUMMARIZE", "PUBLISH", "NOTIFY", "FINISHED"];

export type MemoryRepositories = Repositories & { tables: MemoryTables };

function peopleOver(t: MemoryTables): PeopleRepository {
  return {
    async ensurePerson(account) {
      let identity = [...t.identities.values()].find((i) => i.platform === account.platform && i.externalUserId === account.externalUserId);
      if (!identity) {
        const userId = randomUUID();
        t.users.set(userId, { activeSchemaId: null, language: null });
        identity = { id: randomUUID(), userId, platform: account.platform, externalUserId: account.externalUserId, dmChatId: account.chatId, locale: null };
        t.identities.set(identity.id, identity);
      }
      identity.dmChatId = account.chatId;
      if (account.displayName) identity.displayName = account.displayName;
      if (account.languageCode) identity.locale = account.languageCode;
      const user = t.users.get(identity.userId)!;
      return { userId: identity.userId, identityId: identity.id, activeSchemaId: user.activeSchemaId, chosenLanguage: user.language, locale: identity.locale };
    },
    async identity(identityId): Promise<ChatIdentity | undefined> {
      const row = t.identities.get(identityId);
      if (!row) return undefined;
      const user = t.users.get(row.userId)!;
      return {
        identityId: row.id,
        userId: row.userId,
        platform: row.platform,
        dmChatId: row.dmChatId,
        displayName: row.displayName ?? null,
        activeSchemaId: user.activeSchemaId,
        language: { chosen: user.language, locale: row.locale },
      };
    },
    async chooseDatabase(userId, schemaId) {
      const user = t.users.get(userId);
      if (!user || !t.schemas.has(schemaId)) throw new Error(`no user ${userId} or schema ${schemaId}`);
      user.activeSchemaId = schemaId;
    },
    async chooseLanguage(userId, language) {
      const user = t.users.get(userId);
      if (!user) throw new Error(`no user ${userId}`);
      user.language = language;
    },
    async languageOfJob(jobId) {
      const job = t.jobs.get(jobId);
      if (!job) return undefined;
      return { chosen: t.users.get(job.userId)?.language ?? null, locale: t.identities.get(job.identityId)?.locale ?? null };
    },
    async forget(userId) {
      t.users.delete(userId);
      t.connections.delete(userId);
      for (const table of [t.identities, t.schemas, t.jobs] as Map<string, { userId: string }>[]) {
        for (const [id, row] of table) if (row.userId === userId) table.delete(id);
      }
      t.usage = t.usage.filter((row) => row.userId !== userId);
    },
  };
}

function connectionsOver(t: MemoryTables): ConnectionRepository {
  return {
    async save(userId, grant) {
      t.connections.set(userId, { ...grant, revoked: false });
    },
    async loadAccessToken(userId) {
      const row = t.connections.get(userId);
      return row && !row.revoked ? row.accessToken : undefined;
    },
    async loadAuth(userId) {
      const row = t.connections.get(userId);
      return row && !row.revoked ? { accessToken: row.accessToken, refreshToken: row.refreshToken, workspaceId: row.workspaceId } : undefined;
    },
    async saveRefreshed(userId, tokens) {
      const row = t.connections.get(userId);
      if (row && !row.revoked) Object.assign(row, tokens);
    },
    async liveWorkspace(userId) {
      const row = t.connections.get(userId);
      return row && !row.revoked ? { name: row.workspaceName ?? null } : undefined;
    },
    async markRevoked(userId) {
      const row = t.connections.get(userId);
      if (row) row.revoked = true;
    },
    async remove(userId) {
      t.connections.delete(userId);
      for (const [id, schema] of t.schemas) if (schema.userId === userId) t.schemas.delete(id);
      for (const user of t.users.values()) if (user.activeSchemaId && !t.schemas.has(user.activeSchemaId)) user.activeSchemaId = null;
    },
  };
}

function schemasOver(t: MemoryTables): SchemaRepository {
  const ofUser = (userId: string) => [...t.schemas.values()].filter((s) => s.userId === userId).sort((a, b) => a.tag.localeCompare(b.tag));
  return {
    async sync(userId, sources) {
      const unique = [...new Map(sources.map((s) => [s.dataSourceId, s])).values()];
      const rows = ofUser(userId);
      for (const row of rows) if (!unique.some((s) => s.dataSourceId === row.dataSourceId)) t.schemas.delete(row.id);
      const tags = assignTags(unique, new Map(rows.map((r) => [r.dataSourceId, r.tag])));
      const now = new Date();
      for (const source of unique) {
        const existing = rows.find((r) => r.dataSourceId === source.dataSourceId);
        const row: NotionSchema = {
          id: existing?.id ?? randomUUID(),
          userId,
          databaseId: source.databaseId,
          dataSourceId: source.dataSourceId,
          title: source.title,
          description: source.description || null,
          tag: tags.get(source.dataSourceId)!,
          url: source.url ?? null,
          properties: source.properties as NotionSchema["properties"],
          syncedAt: now,
          createdAt: existing?.createdAt ?? now,
          updatedAt: now,
        };
        t.schemas.set(row.id, row);
      }
      return ofUser(userId);
    },
    list: async (userId) => ofUser(userId).map(({ id, title, tag }) => ({ id, title, tag })),
    listFull: async (userId) => ofUser(userId),
    find: async (id) => t.schemas.get(id),
    findByDataSource: async (userId, dataSourceId) => ofUser(userId).find((s) => s.dataSourceId === dataSourceId),
  };
}

function jobsOver(t: MemoryTables): JobRepository {
  const all = () => [...t.jobs.values()].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  const owned = (job: Pick<Job, "id">, owner: string): Job => {
    const row = t.jobs.get(job.id);
    if (!row || row.leaseOwner !== owner || row.status !== "RUNNING") throw new LeaseLostError(job.id);
    return row;
  };
  const update = (job: Pick<Job, "id">, owner: string, patch: Partial<Job>) => void Object.assign(owned(job, owner), patch, { updatedAt: new Date() });
  const waiting = (j: Job) => j.status === "WAITING_FOR_SCHEMA" || j.status === "WAITING_FOR_CONNECTION";
  return {
    async claimNext(owner, leaseMs, perUserCap, running = []) {
      const now = Date.now();
      const live = (userId: string) => all().filter((j) => j.userId === userId && j.status === "RUNNING" && j.leaseUntil && j.leaseUntil.getTime() >= now).length;
      const job = all()
        .filter((j) => !running.includes(j.id))
        .filter((j) => (j.status === "QUEUED" && j.runAfter.getTime() <= now) || (j.status === "RUNNING" && j.leaseUntil && j.leaseUntil.getTime() < now))
        .find((j) => live(j.userId) < perUserCap);
      if (!job) return undefined;
      Object.assign(job, { status: "RUNNING", leaseOwner: owner, leaseUntil: new Date(now + leaseMs), attempts: job.attempts + (job.status === "QUEUED" ? 1 : 0), takeovers: job.takeovers + (job.status === "RUNNING" ? 1 : 0) });
      return { ...job };
    },
    find: async (id) => (t.jobs.has(id) ? { ...t.jobs.get(id)! } : undefined),
    renewLease: async (job, owner, leaseMs) => update(job, owner, { leaseUntil: new Date(Date.now() + leaseMs) }),
    async saveCheckpoint(job, owner, stage, patch) {
      const row = owned(job, owner);
      const advanced = STAGE_ORDER.indexOf(stage) > STAGE_ORDER.indexOf(row.stage);
      update(job, owner, { stage, checkpoints: { ...(row.checkpoints as object), ...patch }, ...(advanced ? { takeovers: 0 } : {}) });
    },
    recordPage: async (job, owner, pageId, url) => update(job, owner, { notionPageId: pageId, notionPageUrl: url }),
    complete: async (job, owner) =>
      update(job, owner, { status: "DONE", stage: "FINISHED", leaseOwner: null, leaseUntil: null, errorKind: null, errorMessage: null, finishedAt: new Date() }),
    fail: async (job, owner, kind, text) =>
      update(job, owner, {
        status: "FAILED",
        leaseOwner: null,
        leaseUntil: null,
        errorKind: kind,
        errorMessage: english(text.key, text.params),
        errorText: { key: text.key, params: text.params ?? {} },
        finishedAt: new Date(),
      }),
    retryLater: async (job, owner, runAfter, kind, message) =>
      update(job, owner, { status: "QUEUED", runAfter, leaseOwner: null, leaseUntil: null, errorKind: kind, errorMessage: message, takeovers: 0 }),
    release: async (job, owner) => update(job, owner, { status: "QUEUED", leaseOwner: null, leaseUntil: null, attempts: owned(job, owner).attempts - 1 }),
    async addProgressMessage(jobId, ref) {
      const row = t.jobs.get(jobId);
      if (row) row.progressMessage = [...progressMessagesOf(row), ref] as unknown as Job["progressMessage"];
      return row?.status;
    },
    async progressMessages(jobId, heldBy) {
      const row = t.jobs.get(jobId);
      if (!row) return undefined;
      if (heldBy !== undefined && (row.status !== "RUNNING" || row.leaseOwner !== heldBy)) return [];
      return progressMessagesOf(row);
    },
    async jobsForLinks(userId, canonicalUrls) {
      return all()
        .reverse()
        .filter((j) => j.userId === userId && canonicalUrls.includes(j.canonicalUrl) && j.status !== "FAILED");
    },
    async create(input: NewJob) {
      // Jobs made in the same millisecond keep their insertion order: the sort in `all` is stable.
      const createdAt = new Date();
      const job: Job = {
        ...input,
        id: randomUUID(),
        stage: "DOWNLOAD",
        attempts: 0,
        takeovers: 0,
        runAfter: createdAt,
        leaseOwner: null,
        leaseUntil: null,
        checkpoints: (input.checkpoints ?? {}) as Job["checkpoints"],
        notionPageId: null,
        notionPageUrl: null,
        errorKind: null,
        errorMessage: null,
        errorText: null,
        progressMessage: null,
        createdAt,
        updatedAt: createdAt,
        finishedAt: null,
      };
      t.jobs.set(job.id, job);
      return { ...job };
    },
    async releaseWaiting(userId, schemaId, jobIds) {
      const released = all().filter((j) => j.userId === userId && waiting(j) && (!jobIds || jobIds.includes(j.id)));
      for (const job of released) Object.assign(job, { status: "QUEUED", schemaId, runAfter: new Date() });
      return released.map((j) => ({ ...j }));
    },
    async markConnectedWaitingForSchema(userId) {
      const moved = all().filter((j) => j.userId === userId && j.status === "WAITING_FOR_CONNECTION");
      const before = moved.map((j) => ({ ...j }));
      for (const job of moved) job.status = "WAITING_FOR_SCHEMA";
      return before;
    },
    async chooseSchema(job, owner, schemaId) {
      const stored = t.jobs.get(job.id);
      if (!stored || stored.leaseOwner !== owner || stored.status !== "RUNNING") throw new LeaseLostError(job.id);
      stored.schemaId = schemaId;
    },
    async moveDone(userId, jobId, schemaId) {
      const job = t.jobs.get(jobId);
      if (!job || job.userId !== userId || job.status !== "DONE" || !job.notionPageId) return undefined;
      const kept: Record<string, unknown> = { ...(job.checkpoints as object) };
      for (const key of ["summarize", "pictures", "publish", "notified", "picked"]) delete kept[key];
      Object.assign(job, {
        schemaId, status: "QUEUED", stage: "SUMMARIZE", attempts: 0, takeovers: 0, runAfter: new Date(), finishedAt: null,
        checkpoints: { ...kept, replaces: job.notionPageId }, notionPageId: null, notionPageUrl: null,
      });
      return { ...job };
    },
    async retryFailed(userId, jobId) {
      const job = t.jobs.get(jobId);
      if (!job || job.userId !== userId || job.status !== "FAILED") return undefined;
      Object.assign(job, { status: "QUEUED", attempts: 0, takeovers: 0, runAfter: new Date(), errorKind: null, errorMessage: null, errorText: null, finishedAt: null });
      return { ...job };
    },
    async recent(userId, take) {
      return all()
        .reverse()
        .filter((j) => j.userId === userId)
        .slice(0, take)
        .map((j) => ({ ...j, schema: j.schemaId && t.schemas.has(j.schemaId) ? { title: t.schemas.get(j.schemaId)!.title } : null }));
    },
    async countByStatus() {
      const counts = new Map<Job["status"], number>();
      for (const job of t.jobs.values()) counts.set(job.status, (counts.get(job.status) ?? 0) + 1);
      return [...counts].map(([status, count]) => ({ status, count }));
    },
    countDue: async () => all().filter((j) => j.status === "QUEUED" && j.runAfter.getTime() <= Date.now()).length,
    oldestQueuedAt: async () => all().find((j) => j.status === "QUEUED")?.createdAt,
    async purgeTexts(days) {
      const cutoff = Date.now() - days * 24 * 3600_000;
      const old = all().filter((j) => ["DONE", "FAILED"].includes(j.status) && j.createdAt.getTime() < cutoff && j.sourceText !== null);
      for (const job of old) {
        const checkpoints = { ...(job.checkpoints as Record<string, unknown>) };
        for (const key of TEXT_CHECKPOINTS) delete checkpoints[key];
        Object.assign(job, { sourceText: null, checkpoints, updatedAt: new Date() });
      }
      return old.length;
    },
  };
}

function usageOver(t: MemoryTables): UsageRepository {
  return {
    async record(userId, jobId, usage) {
      t.usage.push({ ...usage, userId, jobId, createdAt: new Date() });
    },
    totalsOf: async (userId, since) => sumEntries(t.usage.filter((r) => r.userId === userId && r.createdAt >= since)),
    totalsOfJob: async (jobId) => sumEntries(t.usage.filter((r) => r.jobId === jobId)),
    totals: async () => sumEntries(t.usage),
  };
}

/** Fresh, empty in-memory repositories. */
export function memoryRepositories(): MemoryRepositories {
  const tables: MemoryTables = { users: new Map(), identities: new Map(), connections: new Map(), schemas: new Map(), jobs: new Map(), usage: [] };
  return {
    tables,
    people: peopleOver(tables),
    connections: connectionsOver(tables),
    schemas: schemasOver(tables),
    jobs: jobsOver(tables),
    usage: usageOver(tables),
  };
}

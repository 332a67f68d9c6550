import { Client, LogLevel, type BlockObjectRequest, type CreatePageParameters, type QueryDataSourceParameters } from "@notionhq/client";
import pRetry, { AbortError } from "p-retry";
import { z } from "zod";
import type { Config } from "../config.ts";
import { isTransient, UserFacingError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { NotionRateLimitedError, toNotionError, type NotionSubject } from "./errors.ts";
import { createNotionRateLimiter, type NotionRateLimiter, type SharedLimitStore } from "./rate-limit.ts";
import { propertyConfigSchema, type NotionProperties } from "./schema-mapping.ts";

/** The Notion API version this code speaks: databases hold data sources, pages live in data sources. */
export const NOTION_VERSION = "2025-09-03";

/** Longest Retry-After waited out inside a request; a longer one goes back to the job, which is rescheduled. */
export const NOTION_MAX_INLINE_WAIT_MS = 20_000;

/** One page of a paginated list. */
export interface NotionList<T> {
  results: T[];
  nextCursor: string | null;
  hasMore: boolean;
}

/** A data source as we use it: ids, plain title, link, and its properties. */
export interface DataSourceObject {
  id: string;
  databaseId: string;
  title: string;
  /** What the database is for, as its owner described it (empty when not described). */
  description: string;
  url?: string;
  properties: NotionProperties;
}

/** What we read back about a page. */
export interface NotionPageRef {
  id: string;
  url: string;
  inTrash: boolean;
}

/** What we read back about a block: enough to resume an interrupted body and find our marker. */
export interface NotionBlockRef {
  id: string;
  type: string;
  hasChildren: boolean;
  plainText: string;
}

/** A file sent to Notion through its File Upload API, ready to attach until `expiresAt` (ISO time). */
export interface FileUploadRef {
  id: string;
  expiresAt: string | null;
}

/** One file for {@link NotionApi.uploadFile}. */
export interface FileToUpload {
  filename: string;
  contentType: string;
  data: Uint8Array;
}

/** A block in the SDK's request shape (built in blocks.ts). */
export type BlockRequest = BlockObjectRequest;

/** A new page's property values keyed by property name, in the SDK's request shape (built in schema-mapping.ts). */
export type PagePropertyValues = NonNullable<CreatePageParameters["properties"]>;

/** One property value of a new page. */
export type PagePropertyValue = PagePropertyValues[string];

/** A data source query: a filter and sorts in the SDK's request shape, and paging. */
export interface DataSourceQuery {
  filter?: QueryDataSourceParameters["filter"];
  sorts?: QueryDataSourceParameters["sorts"];
  pageSize?: number;
  cursor?: string;
}

/**
 * The Notion calls reelnotes makes, each for one access token. Requests are rate limited per
 * token; 429 (honouring Retry-After), 409 and 5xx are retried (page creation only on 429/409,
 * because a 5xx there may still have made the page: publish.ts retries it after looking for the
 * page by its job marker); other errors become typed errors. A Retry-After longer than
 * `maxRetryAfterMs` is not waited out in the call: the pause is recorded and the error returned,
 * so the job is rescheduled instead of holding a worker. A 401 asks `renewToken` for a new token
 * once (Notion's access tokens expire and are refreshed) before it becomes `notion_revoked`.
 */
export interface NotionApi {
  /** Ties a token to its workspace so Notion's per-workspace pauses apply to it in every process. */
  bindWorkspace(accessToken: string, workspaceId: string): void;
  /** One page of data sources shared with the token. */
  searchDataSources(accessToken: string, cursor?: string): Promise<NotionList<{ id: string }>>;
  retrieveDataSource(accessToken: string, dataSourceId: string): Promise<DataSourceObject>;
  queryDataSource(accessToken: string, dataSourceId: string, query: DataSourceQuery): Promise<NotionList<NotionPageRef>>;
  createPage(
    accessToken: string,
    page: { dataSourceId: string; properties: PagePropertyValues; children: BlockRequest[]; coverFileUploadId?: string },
  ): Promise<NotionPageRef>;
  /**
   * Sends one file (at most 20 MB, the single-part limit) through the File Upload API: create,
   * then send. The returned upload must be attached (cover, image block) before it expires.
   */
  uploadFile(accessToken: string, file: FileToUpload): Promise<FileUploadRef>;
  retrievePage(accessToken: string, pageId: string): Promise<NotionPageRef>;
  /** Moves a page to Notion's trash (the person can restore it from there for 30 days). */
  trashPage(accessToken: string, pageId: string): Promise<NotionPageRef>;
  /** Appends `children` (at most 100) after the existing children; returns the new top-level blocks. */
  appendBlockChildren(accessToken: string, blockId: string, children: BlockRequest[]): Promise<NotionBlockRef[]>;
  listBlockChildren(accessToken: string, blockId: string, options?: { cursor?: string; pageSize?: number }): Promise<NotionList<NotionBlockRef>>;
}

const richTextArray = z.array(z.object({ plain_text: z.string().optional(), text: z.object({ content: z.string() }).optional() }).loose());
const plainText = (items: z.infer<typeof richTextArray>) => items.map((t) => t.plain_text ?? t.text?.content ?? "").join("");

const dataSourceSchema = z.object({
  id: z.string(),
  title: richTextArray.default([]),
  description: richTextArray.default([]),
  url: z.string().nullish(),
  parent: z.object({ database_id: z.string() }).loose(),
  properties: z.record(z.string(), propertyConfigSchema),
});

const pageSchema = z
  .object({ id: z.string(), url: z.string(), in_trash: z.boolean().optional(), archived: z.boolean().optional() })
  .loose()
  .transform((p): NotionPageRef => ({ id: p.id, url: p.url, inTrash: Boolean(p.in_trash ?? p.archived) }));

const blockSchema = z
  .object({ id: z.string(), type: z.string(), has_children: z.boolean().default(false) })
  .loose()
  .transform((b): NotionBlockRef => {
    const content = b[b.type] as { rich_text?: unknown } | undefined;
    const parsed = richTextArray.safeParse(content?.rich_text ?? []);
    return { id: b.id, type: b.type, hasChildren: b.has_children, plainText: parsed.success ? plainText(parsed.data) : "" };
  });

function listOf<T extends z.ZodType>(item: T) {
  return z
    .object({ results: z.array(item), next_cursor: z.string().nullable().default(null), has_more: z.boolean().default(false) })
    .transform((l) => ({ results: l.results as z.output<T>[], nextCursor: l.next_cursor, hasMore: l.has_more }));
}

const fileUploadSchema = z
  .object({ id: z.string(), status: z.string(), expiry_time: z.string().nullish() })
  .loose()
  .transform((u) => ({ id: u.id, status: u.status, expiresAt: u.expiry_time ?? null }));

const searchList = listOf(z.object({ id: z.string(), object: z.string() }).loose());
const pageList = listOf(pageSchema);
const blockList = listOf(blockSchema);

/** Knobs tests turn; production uses the defaults. */
export interface NotionApiOptions {
  /** Attempts after the first for retryable failures (default 5). */
  retries?: number;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
  /** First back-off when the answer carried no Retry-After (default 500 ms, doubling). */
  backoffMs?: number;
  /** Longest Retry-After waited out inside a call (default NOTION_MAX_INLINE_WAIT_MS); longer ones go back to the job. */
  maxRetryAfterMs?: number;
  /** The Redis client through which every process shares the rate limits (in memory without). */
  sharedLimits?: SharedLimitStore;
  /** A limiter made elsewhere (tests sharing one between two clients). */
  limiter?: NotionRateLimiter;
  /**
   * Called when Notion refuses a token (401): a new token for the same connection (after a
   * refresh), or undefined when there is none, and the 401 stands.
   */
  renewToken?: (expired: string) => Promise<string | undefined>;
}

/** The Notion API over `@notionhq/client`, against `notion.apiBaseUrl`, rate limited per token. */
export function createNotionApi(notion: Config["notion"], log: Logger, options: NotionApiOptions = {}): NotionApi {
  const sdk = new Client({
    baseUrl: notion.apiBaseUrl,
    notionVersion: NOTION_VERSION,
    timeoutMs: options.timeoutMs ?? 30_000,
    // Retries live here (rate limiter + Retry-After + idempotency rules), not in the SDK.
    retry: false,
    logLevel: LogLevel.ERROR,
    logger: (level, message, extra) => log.debug({ notion: extra, level }, message),
  });
  const limiter = options.limiter ?? createNotionRateLimiter(notion.requestsPerSecond, options.sharedLimits);
  const retries = options.retries ?? 5;
  const backoffMs = options.backoffMs ?? 500;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? NOTION_MAX_INLINE_WAIT_MS;

  /** The newest token known for each token Notion said had expired. */
  const renewed = new Map<string, string>();

  async function attempt(token: string, what: string, subject: NotionSubject, send: (auth: string) => Promise<unknown>, idempotent: boolean): Promise<unknown> {
    return pRetry(
      async () => {
        await limiter.take(token);
        try {
          return await send(token);
        } catch (error) {
          const mapped = toNotionError(error, subject);
          if (isTransient(mapped) && mapped.retryAfterMs !== undefined) {
            // Every request of this connection (or workspace) waits, in this process and the others.
            await limiter.pause(token, mapped instanceof NotionRateLimitedError ? mapped.scope : "connection", mapped.retryAfterMs);
            if (mapped.retryAfterMs > maxRetryAfterMs) throw new AbortError(mapped);
          }
          const retryable = isTransient(mapped) && (idempotent || mapped.kind === "rate_limited" || /conflict/.test(mapped.message));
          throw retryable ? mapped : new AbortError(mapped);
        }
      },
      {
        retries,
        minTimeout: 0,
        maxTimeout: 0,
        onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
          if (!isTransient(error) || retriesLeft === 0) return;
          const wait = error.retryAfterMs ?? backoffMs * 2 ** (attemptNumber - 1) * (0.5 + Math.random());
          log.warn({ what, kind: error.kind, attempt: attemptNumber, waitMs: Math.round(wait) }, "Notion request failed; retrying");
          await new Promise((resolve) => setTimeout(resolve, error.retryAfterMs === undefined ? wait : 0));
        },
      },
    );
  }

  /**
   * One request with its retries. A 401 is answered once by renewing the token (when a renewer is
   * given and it has a new token) and sending the request again: a refused request did nothing.
   */
  async function call<T>(token: string, subject: NotionSubject, what: string, send: (auth: string) => Promise<unknown>, parse: (raw: unknown) => T, idempotent = true): Promise<T> {
    const current = renewed.get(token) ?? token;
    try {
      return parse(await attempt(current, what, subject, send, idempotent));
    } catch (error) {
      if (!(error instanceof UserFacingError && error.kind === "notion_revoked") || !options.renewToken) throw error;
      const fresh = await options.renewToken(current);
      if (!fresh || fresh === current) throw error;
      renewed.set(token, fresh);
      return parse(await attempt(fresh, what, subject, send, idempotent));
    }
  }

  return {
    bindWorkspace: (token, workspaceId) => limiter.bindWorkspace(token, workspaceId),
    searchDataSources: (token, cursor) =>
      call(
        token,
        "search",
        "search",
        (auth) => sdk.search({ auth, filter: { property: "object", value: "data_source" }, page_size: 100, start_cursor: cursor }),
        (raw) => searchList.parse(raw),
      ),
    retrieveDataSource: (token, id) =>
      call(
        token,
        "data_source",
        "retrieve data source",
        (auth) => sdk.dataSources.retrieve({ auth, data_source_id: id }),
        (raw) => {
          const ds = dataSourceSchema.parse(raw);
          const properties: NotionProperties = {};
          for (const [name, config] of Object.entries(ds.properties)) properties[name] = { ...config, name: config.name || name };
          return { id: ds.id, databaseId: ds.parent.database_id, title: plainText(ds.title), description: plainText(ds.description), url: ds.url ?? undefined, properties };
        },
      ),
    queryDataSource: (token, id, query) =>
      call(
        token,
        "data_source",
        "query data source",
        (auth) =>
          sdk.dataSources.query({
            auth,
            data_source_id: id,
            filter: query.filter,
            sorts: query.sorts,
            page_size: query.pageSize,
            start_cursor: query.cursor,
          }),
        (raw) => pageList.parse(raw),
      ),
    createPage: (token, page) =>
      call(
        token,
        "data_source",
        "create page",
        (auth) =>
          sdk.pages.create({
            auth,
            parent: { type: "data_source_id", data_source_id: page.dataSourceId },
            properties: page.properties,
            children: page.children,
            ...(page.coverFileUploadId ? { cover: { type: "file_upload", file_upload: { id: page.coverFileUploadId } } } : {}),
          }),
        (raw) => pageSchema.parse(raw),
        false,
      ),
    uploadFile: async (token, file) => {
      const created = await call(
        token,
        "file_upload",
        "create file upload",
        (auth) => sdk.fileUploads.create({ auth, mode: "single_part", filename: file.filename, content_type: file.contentType }),
        (raw) => fileUploadSchema.parse(raw),
      );
      // Not repeated on an unknown outcome: a second send to an upload that got the first is refused.
      const sent = await call(
        token,
        "file_upload",
        "send file upload",
        (auth) =>
          sdk.fileUploads.send({
            auth,
            file_upload_id: created.id,
            file: { filename: file.filename, data: new Blob([file.data as Uint8Array<ArrayBuffer>], { type: file.contentType }) },
          }),
        (raw) => fileUploadSchema.parse(raw),
        false,
      );
      if (sent.status !== "uploaded") throw new Error(`Notion left file upload ${sent.id} in status ${sent.status}`);
      return { id: sent.id, expiresAt: sent.expiresAt };
    },
    retrievePage: (token, id) =>
      call(token, "page", "retrieve page", (auth) => sdk.pages.retrieve({ auth, page_id: id }), (raw) => pageSchema.parse(raw)),
    trashPage: (token, id) =>
      call(token, "page", "move page to trash", (auth) => sdk.pages.update({ auth, page_id: id, in_trash: true }), (raw) => pageSchema.parse(raw)),
    appendBlockChildren: (token, blockId, children) =>
      call(
        token,
        "block",
        "append block children",
        (auth) => sdk.blocks.children.append({ auth, block_id: blockId, children }),
        (raw) => blockList.parse(raw).results,
        false,
      ),
    listBlockChildren: (token, blockId, opts = {}) =>
      call(
        token,
        "block",
        "list block children",
        (auth) => sdk.blocks.children.list({ auth, block_id: blockId, start_cursor: opts.cursor, page_size: opts.pageSize }),
        (raw) => blockList.parse(raw),
      ),
  };
}

import express, { type Express, type NextFunction, type Request, type Response } from "express";
import { NotionError, invalid, notFound, sendNotionError, validationError } from "./errors.ts";
import { matchesFilter, propertyByNameOrId, sortPages } from "./query.ts";
import { type NotionStore, renderRichText, type TokenGrant } from "./store.ts";
import { mountFileUploads, type FileUploadStore } from "./file-uploads.ts";
import { checkChildren, checkFileLike, checkPropertyValue, LIMITS, type BlockInput } from "./validation.ts";
import type { DataSourceDef } from "./workspace.ts";

/** The Notion REST routes: search, data sources, databases, pages and block children. */

/** The API versions the emulator answers; it models 2025-09-03 (data sources). */
export const SUPPORTED_VERSIONS = ["2025-09-03"];

/** Requests per second per token, with bursts; undefined = no limit. */
export interface RateLimit {
  requestsPerSecond: number;
  burst?: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function grantOf(res: Response): TokenGrant {
  return res.locals.grant as TokenGrant;
}

function paginate<T extends { id: string }>(items: T[], cursor: unknown, size: unknown, render: (item: T) => unknown) {
  const pageSize = size === undefined ? 100 : Number(size);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) throw invalid("page_size", "an integer between 1 and 100", size);
  let start = 0;
  if (cursor !== undefined && cursor !== null) {
    start = items.findIndex((item) => item.id === cursor);
    if (start < 0) throw invalid("start_cursor", "a valid cursor", cursor);
  }
  const slice = items.slice(start, start + pageSize);
  const next = items[start + pageSize];
  return { object: "list", results: slice.map(render), next_cursor: next?.id ?? null, has_more: Boolean(next) };
}

/** Express 5 forwards rejected promises to the error handler; this turns them into Notion errors. */
function notionErrors(error: unknown, _req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) return next(error);
  if (error instanceof NotionError) return sendNotionError(res, error);
  const status = (error as { status?: number; type?: string }).status;
  if ((error as { type?: string }).type === "entity.parse.failed") return sendNotionError(res, new NotionError(400, "invalid_json", "Error parsing JSON body."));
  if (status === 413) return sendNotionError(res, validationError(`Request body is larger than ${LIMITS.requestBytes} bytes.`));
  sendNotionError(res, new NotionError(500, "internal_server_error", `Unexpected error: ${(error as Error).message}`));
}

/** Token bucket per bearer token, answering 429 with Retry-After (whole seconds) when empty. */
function rateLimiter(limit: () => RateLimit | undefined) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return (token: string): void => {
    const rule = limit();
    if (!rule) return;
    const burst = rule.burst ?? Math.max(1, Math.round(rule.requestsPerSecond));
    const now = Date.now();
    const bucket = buckets.get(token) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * rule.requestsPerSecond);
    bucket.at = now;
    buckets.set(token, bucket);
    if (bucket.tokens < 1) {
      const seconds = Math.max(1, Math.ceil((1 - bucket.tokens) / rule.requestsPerSecond));
      throw new NotionError(429, "rate_limited", "You have been rate limited. Please try again in a few minutes.", { "Retry-After": String(seconds) });
    }
    bucket.tokens -= 1;
  };
}

/** Attaches every file upload the blocks (and their children) refer to. */
function attachBlockFiles(uploads: FileUploadStore, grant: TokenGrant, blocks: BlockInput[], path: string): void {
  blocks.forEach((block, i) => {
    if ((block.type === "image" || block.type === "video") && block.content.file_upload) {
      uploads.attach(grant, block.content, `${path}[${i}].${block.type}`, block.type);
    }
    attachBlockFiles(uploads, grant, block.children, `${path}[${i}].${block.type}.children`);
  });
}

/** What the API routes need besides the store. */
export interface ApiOptions {
  rateLimit: () => RateLimit | undefined;
  onRateLimited: () => void;
  uploads: FileUploadStore;
  /** The emulator's own address, for upload and file URLs. */
  baseUrl: () => string;
}

/** Adds the API routes to `app`. */
export function mountApi(app: Express, store: NotionStore, options: ApiOptions): void {
  const api = express.Router();
  const limit = rateLimiter(options.rateLimit);

  api.use((req, res, next) => {
    const version = req.get("Notion-Version");
    if (!version) throw new NotionError(400, "missing_version", "Notion-Version header failed validation: Notion-Version header should be defined, instead was `undefined`.");
    if (!SUPPORTED_VERSIONS.includes(version)) throw new NotionError(400, "validation_error", `Notion-Version ${version} is not served by this emulator; use ${SUPPORTED_VERSIONS.join(", ")}.`);
    const match = /^Bearer (.+)$/.exec(req.get("Authorization") ?? "");
    const grant = match ? store.tokens.get(match[1]!) : undefined;
    // An expired token gets the same documented answer as a revoked one: Notion has no other code for it.
    if (!grant || grant.revoked || grant.expired) throw new NotionError(401, "unauthorized", "API token is invalid.");
    try {
      limit(grant.token);
    } catch (error) {
      options.onRateLimited();
      throw error;
    }
    res.locals.grant = grant;
    next();
  });
  api.use(express.json({ limit: LIMITS.requestBytes }));
  mountFileUploads(api, options.uploads, grantOf, options.baseUrl);

  api.post("/search", (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const grant = grantOf(res);
    let kinds = ["data_source", "page"];
    if (body.filter !== undefined) {
      const filter = body.filter as Record<string, unknown>;
      if (!isObject(filter) || filter.property !== "object") throw invalid("body.filter.property", '`"object"`', (filter as { property?: unknown })?.property);
      if (filter.value !== "page" && filter.value !== "data_source") throw invalid("body.filter.value", '`"page"` or `"data_source"`', filter.value);
      kinds = [filter.value];
    }
    const query = typeof body.query === "string" ? body.query.toLowerCase() : "";
    // Right after consent Notion's search may not list the shared data sources yet (they can be retrieved by id).
    const lagging = grant.searchesHidden > 0;
    if (lagging) grant.searchesHidden -= 1;
    const sources = lagging ? [] : store.visibleDataSources(grant).filter((ds) => ds.title.toLowerCase().includes(query));
    const items: { id: string; render: () => unknown }[] = [];
    if (kinds.includes("data_source")) for (const ds of sources) items.push({ id: ds.id, render: () => store.renderDataSource(ds) });
    if (kinds.includes("page")) {
      for (const page of store.pages.values()) if (store.visiblePage(grant, page.id) && !page.inTrash) items.push({ id: page.id, render: () => store.renderPage(page) });
    }
    res.json({ ...paginate(items, body.start_cursor, body.page_size, (i) => i.render()), type: "page_or_data_source", page_or_data_source: {} });
  });

  const dataSource = (res: Response, id: string): DataSourceDef => {
    const ds = store.visibleDataSource(grantOf(res), id);
    if (!ds) throw notFound("data_source", id);
    return ds;
  };

  api.get("/data_sources/:id", (req, res) => {
    res.json(store.renderDataSource(dataSource(res, req.params.id!)));
  });

  api.get("/databases/:id", (req, res) => {
    const sources = store.visibleDataSources(grantOf(res)).filter((ds) => ds.databaseId === req.params.id);
    if (sources.length === 0) throw notFound("database", req.params.id!);
    res.json({
      object: "database",
      id: req.params.id,
      title: renderRichText([{ type: "text", text: { content: sources[0]!.title } }]),
      description: [],
      parent: { type: "workspace", workspace: true },
      is_inline: false,
      in_trash: false,
      archived: false,
      is_locked: false,
      created_time: "2025-09-03T00:00:00.000Z",
      last_edited_time: "2025-09-03T00:00:00.000Z",
      data_sources: sources.map((ds) => ({ id: ds.id, name: ds.title })),
      icon: null,
      cover: null,
      url: `https://www.notion.so/${req.params.id!.replaceAll("-", "")}`,
      public_url: null,
    });
  });

  api.post("/data_sources/:id/query", (req, res) => {
    const ds = dataSource(res, req.params.id!);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const pages = [...store.pages.values()].filter((p) => p.dataSourceId === ds.id && !p.inTrash && matchesFilter(body.filter, p, ds));
    const sorted = sortPages(pages, body.sorts, ds);
    res.json({ ...paginate(sorted, body.start_cursor, body.page_size, (p) => store.renderPage(p)), type: "page_or_data_source", page_or_data_source: {} });
  });

  api.post("/pages", (req, res) => {
    const body = req.body as Record<string, unknown>;
    if (!isObject(body)) throw invalid("body", "an object", body);
    const parent = body.parent;
    if (!isObject(parent)) throw invalid("body.parent", "an object", parent);
    let ds: DataSourceDef;
    if (typeof parent.data_source_id === "string") ds = dataSource(res, parent.data_source_id);
    else if (typeof parent.database_id === "string") {
      const sources = store.visibleDataSources(grantOf(res)).filter((d) => d.databaseId === parent.database_id);
      if (sources.length === 0) throw notFound("database", parent.database_id);
      if (sources.length > 1) throw validationError("Databases with multiple data sources need a data_source_id parent.");
      ds = sources[0]!;
    } else throw invalid("body.parent.data_source_id", "defined", undefined);
    if (store.readOnlyDataSources.has(ds.id)) throw new NotionError(403, "restricted_resource", "Insufficient permissions for this endpoint.");
    const properties = body.properties ?? {};
    if (!isObject(properties)) throw invalid("body.properties", "an object", properties);
    const values: Record<string, Record<string, unknown>> = {};
    for (const [key, value] of Object.entries(properties)) {
      const config = propertyByNameOrId(ds, key);
      if (!config) throw validationError(`${key} is not a property that exists.`);
      checkPropertyValue(config, value, `body.properties.${key}`);
      values[config.name] = value as Record<string, unknown>;
    }
    checkFileLike(body.cover, "body.cover", false);
    checkFileLike(body.icon, "body.icon", true);
    const children = body.children === undefined ? [] : checkChildren(body.children, "body.children");
    if (isObject(body.cover) && body.cover.type === "file_upload") options.uploads.attach(grantOf(res), body.cover, "body.cover", "image");
    attachBlockFiles(options.uploads, grantOf(res), children, "body.children");
    const page = store.createPage(ds, values, { cover: body.cover, icon: body.icon, botId: grantOf(res).botId }, children);
    res.json(store.renderPage(page));
  });

  api.get("/pages/:id", (req, res) => {
    const page = store.visiblePage(grantOf(res), req.params.id!);
    if (!page) throw notFound("page", req.params.id!);
    res.json(store.renderPage(page));
  });

  api.patch("/pages/:id", (req, res) => {
    const page = store.visiblePage(grantOf(res), req.params.id!);
    if (!page) throw notFound("page", req.params.id!);
    const body = req.body as Record<string, unknown>;
    if (!isObject(body)) throw invalid("body", "an object", body);
    const unsupported = Object.keys(body).filter((key) => !["in_trash", "archived"].includes(key));
    if (unsupported.length > 0) throw validationError(`The emulator updates only in_trash and archived, not ${unsupported.join(", ")}.`);
    for (const key of ["in_trash", "archived"] as const) {
      if (body[key] !== undefined && typeof body[key] !== "boolean") throw invalid(`body.${key}`, "a boolean", body[key]);
    }
    const trash = (body.in_trash ?? body.archived) as boolean | undefined;
    if (trash !== undefined) page.inTrash = trash;
    res.json(store.renderPage(page));
  });

  const container = (res: Response, id: string): { parentType: "page_id" | "block_id"; pageId: string; type: string } => {
    const grant = grantOf(res);
    const page = store.visiblePage(grant, id);
    if (page) return { parentType: "page_id", pageId: page.id, type: "page" };
    const block = store.visibleBlock(grant, id);
    if (block) return { parentType: "block_id", pageId: block.pageId, type: block.type };
    throw notFound("block", id);
  };

  api.patch("/blocks/:id/children", (req, res) => {
    const target = container(res, req.params.id!);
    const body = req.body as Record<string, unknown>;
    if (!isObject(body)) throw invalid("body", "an object", body);
    if (target.type !== "page" && !["paragraph", "bulleted_list_item", "numbered_list_item", "toggle", "quote", "callout", "to_do"].includes(target.type)) {
      throw validationError(`Block type ${target.type} does not support children.`);
    }
    if (body.after !== undefined || body.position !== undefined) throw validationError("The emulator appends at the end only; `after` and `position` are not supported.");
    const children = checkChildren(body.children, "body.children");
    attachBlockFiles(options.uploads, grantOf(res), children, "body.children");
    const created = store.appendBlocks(req.params.id!, target.parentType, target.pageId, children, grantOf(res).botId);
    res.json({ object: "list", results: created.map((b) => store.renderBlock(b)), next_cursor: null, has_more: false, type: "block", block: {} });
  });

  api.get("/blocks/:id/children", (req, res) => {
    container(res, req.params.id!);
    const blocks = store.childrenOf(req.params.id!).map((id) => store.blocks.get(id)!);
    res.json({ ...paginate(blocks, req.query.start_cursor, req.query.page_size, (b) => store.renderBlock(b)), type: "block", block: {} });
  });

  api.use((req) => {
    throw new NotionError(400, "invalid_request_url", `Invalid request URL: ${req.method} ${req.path}`);
  });
  api.use(notionErrors);
  app.use("/v1", api);
}

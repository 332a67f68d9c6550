import { randomUUID } from "node:crypto";
import type { Request, Response } from "express";
import { notionContract } from "../../contracts/notion.ts";
import { startEmulator, type EmulatorHandle, type Fault } from "../kit.ts";
import { mountApi, type RateLimit } from "./api.ts";
import { FileUploadStore, type StoredUpload } from "./file-uploads.ts";
import { NotionError, sendNotionError } from "./errors.ts";
import { mountOAuth, type OAuthClient } from "./oauth.ts";
import { NotionStore, plainText, type StoredBlock, type StoredPage } from "./store.ts";
import { loadWorkspaceFile, parseWorkspace, type Workspace, type WorkspaceFile } from "./workspace.ts";

export { consentOverHttp, type ConsentChoice } from "./consent.ts";
export type { OAuthClient } from "./oauth.ts";
export type { RateLimit } from "./api.ts";
export { UPLOAD_LIMITS, type StoredUpload } from "./file-uploads.ts";
export type { WorkspaceFile, Workspace } from "./workspace.ts";

/** The integration every emulator knows unless told otherwise. */
export const TEST_CLIENT: OAuthClient = { clientId: "reelnotes-test-client", clientSecret: "reelnotes-test-secret" };

/** How to start the emulator: a workspace (file or object), integrations, and a rate limit. */
export interface NotionEmulatorOptions {
  workspaceFile?: string;
  workspace?: WorkspaceFile;
  clients?: OAuthClient[];
  rateLimit?: RateLimit;
  port?: number;
  /** The clock file uploads expire by (default Date.now); tests move it instead of waiting an hour. */
  now?: () => number;
  /** The workspace's per-file upload limit (default: the free plan's 5 MiB). */
  maxFileBytes?: number;
}

/** A block read back with its children, for assertions. */
export interface BlockView {
  id: string;
  type: string;
  content: Record<string, unknown>;
  plainText: string;
  children: BlockView[];
}

/** A page read back, property values in the API's response shape. */
export type PageView = StoredPage;

/** A running Notion emulator. */
export interface NotionEmulator extends EmulatorHandle {
  workspace: Workspace;
  /** Every page created, oldest first. */
  readonly pages: PageView[];
  /** The blocks under a page or block, in order, with their children. */
  blocksOf(id: string): BlockView[];
  /** A token that sees `dataSourceIds` (or every data source), without going through OAuth. */
  grantToken(dataSourceIds?: string[]): string;
  /** Makes `token` invalid, as when the person removes the connection. */
  revokeToken(token: string): void;
  /** The refresh token issued with the access token `token`. */
  refreshTokenOf(token: string): string | undefined;
  /**
   * Expires the access token `token`: its requests answer 401 `unauthorized` (Notion's documented
   * answer to an invalid bearer token) while its refresh token still gets a new pair.
   */
  expireAccessToken(token: string): void;
  /**
   * Search lag after consent: every grant made from now on gets no shared data sources from its
   * first `searches` searches, as Notion's search index catches up (retrieving by id still works).
   * 0 turns it off for new grants.
   */
  lagSearchAfterConsent(searches: number): void;
  /** Stops sharing a data source with `token`. */
  unshare(token: string, dataSourceId: string): void;
  /** Deletes a data source for everyone. */
  deleteDataSource(dataSourceId: string): void;
  /** Lets integrations read a data source but not add pages to it: creating one answers 403 `restricted_resource`. */
  restrictWrites(dataSourceId: string): void;
  /** The limit in force; change it at any time (undefined = none). */
  rateLimit: RateLimit | undefined;
  /** How many requests the rate limiter refused. */
  readonly rateLimited: number;
  /** Every file upload, oldest first, with its status brought up to date and its bytes while it has them. */
  readonly fileUploads: StoredUpload[];
  /**
   * Does the next matching request's work but answers 500, as when Notion's answer is lost on
   * the way back: the page exists, the caller does not know it.
   */
  loseNextResponse(match?: (req: Request) => boolean): void;
  /**
   * Answers the next matching request 529 `service_overload` with a Retry-After, as Notion does
   * under load. `afterWork`: the work is done first (a page is made) and only the answer says 529.
   */
  overloadNext(options?: { retryAfterSeconds?: number; afterWork?: boolean; match?: (req: Request) => boolean }): void;
  /**
   * Answers the next matching request 429 `rate_limited` with Notion's `additional_data.rate_limit_reason`
   * and a Retry-After that can be a minute or more (the per-workspace limit).
   */
  rateLimitNext(options: { reason: string; retryAfterSeconds: number; match?: (req: Request) => boolean }): void;
}

/** Notion's documented reasons for a 429 (`additional_data.rate_limit_reason`). */
export const RATE_LIMIT_REASONS = { connection: "connection_rate_limit", workspace: "workspace_rate_limit" } as const;

interface ScriptedAnswer {
  match: (req: Request) => boolean;
  /** Do the request's work, then replace its answer; otherwise answer at once. */
  afterWork: boolean;
  error: NotionError;
  additionalData?: Record<string, string>;
}

function sendScripted(res: Response, answer: ScriptedAnswer): void {
  const { error } = answer;
  res.set(error.headers).status(error.status).json({
    object: "error",
    status: error.status,
    code: error.code,
    message: error.message,
    ...(answer.additionalData ? { additional_data: answer.additionalData } : {}),
    request_id: randomUUID(),
  });
}

function respondToFault(fault: Fault, _req: Request, res: Response): void {
  if (fault.kind === "429") {
    sendNotionError(res, new NotionError(429, "rate_limited", "You have been rate limited. Please try again in a few minutes.", { "Retry-After": String(fault.retryAfterSeconds) }));
  } else if (fault.kind === "500") {
    sendNotionError(res, new NotionError(500, "internal_server_error", "Unexpected error occurred."));
  } else if (fault.kind === "503") {
    sendNotionError(res, new NotionError(503, "service_unavailable", "Notion is unavailable, please try again later."));
  }
}

/**
 * Starts a Notion emulator (API version 2025-09-03) serving one workspace: OAuth consent and
 * token exchange, search, data sources, databases, pages and blocks, with Notion's validation,
 * error objects and a per-token rate limiter; latency and faults through the shared kit.
 */
export async function startNotionEmulator(options: NotionEmulatorOptions): Promise<NotionEmulator> {
  const workspace = options.workspace
    ? parseWorkspace(options.workspace)
    : options.workspaceFile
      ? await loadWorkspaceFile(options.workspaceFile)
      : undefined;
  if (!workspace) throw new Error("startNotionEmulator needs workspaceFile or workspace");
  const store = new NotionStore(workspace);
  const uploads = new FileUploadStore({ now: options.now, maxFileBytes: options.maxFileBytes });
  const base = { url: "" };
  store.renderFile = (file) => uploads.renderFile(file, base.url);
  const state = { rateLimit: options.rateLimit, rateLimited: 0 };
  const scripted: ScriptedAnswer[] = [];

  const handle = await startEmulator(
    (app) => {
      app.use((req, res, next) => {
        const index = scripted.findIndex((answer) => answer.match(req));
        if (index < 0) return next();
        const [answer] = scripted.splice(index, 1);
        if (!answer!.afterWork) return sendScripted(res, answer!);
        const json = res.json.bind(res);
        res.json = () => {
          res.json = json;
          sendScripted(res, answer!);
          return res;
        };
        next();
      });
      mountOAuth(app, store, options.clients ?? [TEST_CLIENT]);
      mountApi(app, store, {
        rateLimit: () => state.rateLimit,
        onRateLimited: () => (state.rateLimited += 1),
        uploads,
        baseUrl: () => base.url,
      });
    },
    { respondToFault, port: options.port, exempt: (req) => req.path === "/v1/oauth/authorize", contract: notionContract() },
  );

  base.url = handle.url;

  const view = (block: StoredBlock): BlockView => ({
    id: block.id,
    type: block.type,
    content: block.content,
    plainText: plainText(block.content.rich_text),
    children: block.children.map((id) => view(store.blocks.get(id)!)),
  });

  const extra = {
    workspace,
    get pages() {
      return [...store.pages.values()];
    },
    blocksOf: (id: string) => store.childrenOf(id).map((child) => view(store.blocks.get(child)!)),
    grantToken: (ids?: string[]) => store.grant(ids ?? workspace.dataSources.map((d) => d.id)).token,
    revokeToken: (token: string) => {
      const grant = store.tokens.get(token);
      if (grant) store.revoke(grant);
    },
    refreshTokenOf: (token: string) => store.tokens.get(token)?.refreshToken,
    expireAccessToken: (token: string) => {
      const grant = store.tokens.get(token);
      if (grant) grant.expired = true;
    },
    lagSearchAfterConsent: (searches: number) => void (store.searchLag = searches),
    unshare: (token: string, dataSourceId: string) => store.tokens.get(token)?.dataSourceIds.delete(dataSourceId),
    deleteDataSource: (id: string) => store.deletedDataSources.add(id),
    restrictWrites: (id: string) => void store.readOnlyDataSources.add(id),
    get rateLimit() {
      return state.rateLimit;
    },
    set rateLimit(value: RateLimit | undefined) {
      state.rateLimit = value;
    },
    get rateLimited() {
      return state.rateLimited;
    },
    get fileUploads() {
      return [...uploads.uploads.values()].map((u) => uploads.refresh(u));
    },
    loseNextResponse: (match?: (req: Request) => boolean) =>
      void scripted.push({ match: match ?? (() => true), afterWork: true, error: new NotionError(500, "internal_server_error", "Unexpected error occurred.") }),
    overloadNext: ({ retryAfterSeconds = 1, afterWork = false, match }: { retryAfterSeconds?: number; afterWork?: boolean; match?: (req: Request) => boolean } = {}) =>
      void scripted.push({
        match: match ?? (() => true),
        afterWork,
        error: new NotionError(529, "service_overload", "Notion is experiencing high load. Please try again later.", { "Retry-After": String(retryAfterSeconds) }),
      }),
    rateLimitNext: ({ reason, retryAfterSeconds, match }: { reason: string; retryAfterSeconds: number; match?: (req: Request) => boolean }) =>
      void scripted.push({
        match: match ?? (() => true),
        afterWork: false,
        error: new NotionError(429, "rate_limited", "You have been rate limited. Please try again later.", { "Retry-After": String(retryAfterSeconds) }),
        additionalData: { rate_limit_reason: reason },
      }),
  };
  // defineProperties (not Object.assign) so the getters stay live instead of being copied once.
  return Object.defineProperties(handle, Object.getOwnPropertyDescriptors(extra)) as NotionEmulator;
}

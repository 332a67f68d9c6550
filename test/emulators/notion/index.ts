import type { Request, Response } from "express";
import { startEmulator, type EmulatorHandle, type Fault } from "../kit.ts";
import { mountApi, type RateLimit } from "./api.ts";
import { NotionError, sendNotionError } from "./errors.ts";
import { mountOAuth, type OAuthClient } from "./oauth.ts";
import { NotionStore, plainText, type StoredBlock, type StoredPage } from "./store.ts";
import { loadWorkspaceFile, parseWorkspace, type Workspace, type WorkspaceFile } from "./workspace.ts";

export { consentOverHttp, type ConsentChoice } from "./consent.ts";
export type { OAuthClient } from "./oauth.ts";
export type { RateLimit } from "./api.ts";
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
  /** Stops sharing a data source with `token`. */
  unshare(token: string, dataSourceId: string): void;
  /** Deletes a data source for everyone. */
  deleteDataSource(dataSourceId: string): void;
  /** The limit in force; change it at any time (undefined = none). */
  rateLimit: RateLimit | undefined;
  /** How many requests the rate limiter refused. */
  readonly rateLimited: number;
  /**
   * Does the next matching request's work but answers 500, as when Notion's answer is lost on
   * the way back: the page exists, the caller does not know it.
   */
  loseNextResponse(match?: (req: Request) => boolean): void;
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
  const state = { rateLimit: options.rateLimit, rateLimited: 0 };
  const lost: ((req: Request) => boolean)[] = [];

  const handle = await startEmulator(
    (app) => {
      app.use((req, res, next) => {
        const index = lost.findIndex((match) => match(req));
        if (index >= 0) {
          lost.splice(index, 1);
          const json = res.json.bind(res);
          res.json = () => {
            res.status(500);
            return json({ object: "error", status: 500, code: "internal_server_error", message: "Unexpected error occurred." });
          };
        }
        next();
      });
      mountOAuth(app, store, options.clients ?? [TEST_CLIENT]);
      mountApi(app, store, { rateLimit: () => state.rateLimit, onRateLimited: () => (state.rateLimited += 1) });
    },
    { respondToFault, port: options.port, exempt: (req) => req.path === "/v1/oauth/authorize" },
  );

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
      if (grant) grant.revoked = true;
    },
    unshare: (token: string, dataSourceId: string) => store.tokens.get(token)?.dataSourceIds.delete(dataSourceId),
    deleteDataSource: (id: string) => store.deletedDataSources.add(id),
    get rateLimit() {
      return state.rateLimit;
    },
    set rateLimit(value: RateLimit | undefined) {
      state.rateLimit = value;
    },
    get rateLimited() {
      return state.rateLimited;
    },
    loseNextResponse: (match?: (req: Request) => boolean) => void lost.push(match ?? (() => true)),
  };
  // defineProperties (not Object.assign) so the getters stay live instead of being copied once.
  return Object.defineProperties(handle, Object.getOwnPropertyDescriptors(extra)) as NotionEmulator;
}

/**
 * The Notion sign-in, as a use case of the conversation: after the person consented on
 * Notion's page, exchange the code, keep the grant (token encrypted), read the databases they
 * shared and tell them in their chat. The linking site only parses the callback and shows the
 * outcome as a page.
 */
import type { Config } from "../config.ts";
import type { ChatIdentity } from "../db/people.ts";
import type { Repositories } from "../db/repositories.ts";
import { isTransient } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { NotionApi } from "../notion/client.ts";
import { exchangeCode, type NotionGrant } from "../notion/oauth.ts";
import type { FoundDatabase, LinkNotifier } from "./notifier.ts";
import { refreshUserSchemas } from "./refresh-databases.ts";

/** What the sign-in needs: the composition root's one Notion client, and the repositories. */
export interface SignInDeps {
  repos: Pick<Repositories, "people" | "connections" | "schemas">;
  /** The service's one Notion client (and its rate limiter per token). */
  notion: NotionApi;
  /** The OAuth client of the Notion integration. */
  notionOAuth: Config["notion"];
  notifier: LinkNotifier;
  log: Logger;
}

/** How a sign-in ended. */
export type SignInOutcome =
  | { kind: "connected"; workspaceName: string; databases: FoundDatabase[]; discoveryFailed: boolean }
  /** Notion refused the code; `transient` when Notion was only unavailable. */
  | { kind: "exchange_failed"; transient: boolean };

/** The sign-in use cases the linking site calls. */
export interface SignIn {
  /** The chat identity a consent was started for, or undefined when it no longer exists. */
  identity(identityId: string): Promise<ChatIdentity | undefined>;
  /** Finishes the sign-in of `identity` with the code Notion sent back. */
  finish(identity: Pick<ChatIdentity, "identityId" | "userId">, code: string): Promise<SignInOutcome>;
}

function errorKind(error: unknown): string {
  const kind = (error as { kind?: unknown }).kind;
  if (typeof kind === "string") return kind;
  return error instanceof Error ? error.name : typeof error;
}

/** Builds the sign-in use cases. */
export function createSignIn(deps: SignInDeps): SignIn {
  async function databasesOf(userId: string, grant: NotionGrant): Promise<FoundDatabase[] | undefined> {
    try {
      const rows = await refreshUserSchemas(deps.notion, deps.repos.schemas, userId, async () => grant.accessToken);
      return rows.map((row) => ({ title: row.title, tag: row.tag }));
    } catch (error) {
      deps.log.warn({ kind: errorKind(error) }, "could not list the databases shared with us after linking");
      return undefined;
    }
  }

  return {
    identity: (identityId) => deps.repos.people.identity(identityId),
    async finish({ identityId, userId }, code) {
      let grant: NotionGrant;
      try {
        grant = await exchangeCode(deps.notionOAuth, code);
      } catch (error) {
        deps.log.warn({ kind: errorKind(error), transient: isTransient(error) }, "notion code exchange failed");
        return { kind: "exchange_failed", transient: isTransient(error) };
      }
      await deps.repos.connections.save(userId, grant);
      // The token's requests share its workspace's pauses from now on, as every other use of it does.
      deps.notion.bindWorkspace(grant.accessToken, grant.workspaceId);
      const workspaceName = grant.workspaceName ?? "your Notion workspace";
      const found = await databasesOf(userId, grant);
      const databases = found ?? [];
      deps.log.info({ identityId, workspaceId: grant.workspaceId, databases: databases.length }, "notion connected");
      try {
        await deps.notifier.notifyConnected(identityId, { workspaceName, databases });
      } catch (error) {
        // The page still tells the person; the chat message is a courtesy.
        deps.log.warn({ kind: errorKind(error) }, "could not tell the chat that Notion is connected");
      }
      return { kind: "connected", workspaceName, databases, discoveryFailed: found === undefined };
    },
  };
}

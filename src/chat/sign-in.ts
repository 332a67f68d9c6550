/**
 * The Notion sign-in, as a use case of the conversation: after the person consented on
 * Notion's page, exchange the code, keep the grant (token encrypted), read the databases they
 * shared and tell them in their chat. When Notion's search does not list them yet (it lags right
 * after consent), the person is told the bot is still looking, and it looks again on its own.
 * The linking site only parses the callback and shows the outcome as a page.
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
  /** Runs `run` after `delayMs` (default: a timer that does not keep the process alive); tests run it themselves. */
  later?: (delayMs: number, run: () => Promise<void>) => void;
}

/**
 * Right after consent Notion's search may not list the databases just shared. When it finds
 * none, the bot looks again after these pauses (about two minutes in all) before it believes it.
 */
export const LOOK_AGAIN_AFTER_MS: readonly number[] = [2_000, 5_000, 15_000, 30_000, 60_000];

const afterTimer = (delayMs: number, run: () => Promise<void>) => void setTimeout(() => void run(), delayMs).unref();

/** How a sign-in ended. */
export type SignInOutcome =
  /** `stillLooking`: search listed no database yet; the bot looks again on its own and tells the chat. */
  | { kind: "connected"; workspaceName: string; databases: FoundDatabase[]; discoveryFailed: boolean; stillLooking: boolean }
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

  const pauses = LOOK_AGAIN_AFTER_MS;
  const later = deps.later ?? afterTimer;

  async function tell(identityId: string, workspaceName: string, databases: FoundDatabase[]): Promise<void> {
    try {
      await deps.notifier.notifyConnected(identityId, { workspaceName, databases });
    } catch (error) {
      // The page still tells the person; the chat message is a courtesy.
      deps.log.warn({ kind: errorKind(error) }, "could not tell the chat that Notion is connected");
    }
  }

  /** Looks for the shared databases again after the `attempt`th pause; the last look's answer is told whatever it is. */
  function lookAgain(identityId: string, userId: string, grant: NotionGrant, workspaceName: string, attempt: number): void {
    later(pauses[attempt]!, async () => {
      const found = await databasesOf(userId, grant);
      if ((found && found.length > 0) || attempt + 1 >= pauses.length) {
        deps.log.info({ identityId, looks: attempt + 2, databases: found?.length ?? 0 }, "looked again for the databases shared with us");
        return tell(identityId, workspaceName, found ?? []);
      }
      lookAgain(identityId, userId, grant, workspaceName, attempt + 1);
    });
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
      const stillLooking = found !== undefined && found.length === 0 && pauses.length > 0;
      deps.log.info({ identityId, workspaceId: grant.workspaceId, databases: databases.length, stillLooking }, "notion connected");
      if (stillLooking) {
        try {
          await deps.notifier.notifyStillLooking(identityId, { workspaceName });
        } catch (error) {
          deps.log.warn({ kind: errorKind(error) }, "could not tell the chat that the bot is still looking for the databases");
        }
        lookAgain(identityId, userId, grant, workspaceName, 0);
      } else {
        await tell(identityId, workspaceName, databases);
      }
      return { kind: "connected", workspaceName, databases, discoveryFailed: found === undefined, stillLooking };
    },
  };
}

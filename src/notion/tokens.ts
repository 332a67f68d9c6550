import type { Config } from "../config.ts";
import type { ConnectionRepository } from "../db/connections.ts";
import { isTransient } from "../errors.ts";
import type { Logger } from "../log.ts";
import { refreshGrant, revokeToken } from "./oauth.ts";

/**
 * The people's Notion access tokens over their lifetime: handed out from the stored connection,
 * and renewed with the refresh token when Notion refuses one (its access tokens expire). Both
 * tokens rotate on a refresh and are stored again, encrypted, by the connection repository.
 */
export interface NotionTokens {
  /** The person's access token, tied to its workspace's limits; undefined when not linked or revoked. */
  load(userId: string): Promise<string | undefined>;
  /**
   * A working token in place of `expired` (one this object handed out): the stored one when
   * another request or process already refreshed it, else a refreshed one. Undefined when the
   * connection cannot be refreshed (no refresh token, or Notion refused it): `expired` is dead.
   * A Notion outage during the refresh throws its transient error.
   */
  renew(expired: string): Promise<string | undefined>;
  /**
   * Revokes the person's token at Notion (on /disconnect and /forget). Never throws: a failure
   * is logged and answered false, and the caller forgets the connection all the same.
   */
  revoke(userId: string): Promise<boolean>;
}

/** What the token lifecycle needs. */
export interface NotionTokenDeps {
  connections: Pick<ConnectionRepository, "loadAuth" | "saveRefreshed">;
  /** The OAuth client of the Notion integration (refreshes use its id and secret). */
  oauth: Config["notion"];
  /** Ties a token to its workspace's shared rate limit (the Notion client's `bindWorkspace`). */
  bindWorkspace(accessToken: string, workspaceId: string): void;
  log: Logger;
}

/** Builds the token lifecycle; one per service, beside the one Notion client. */
export function createNotionTokens(deps: NotionTokenDeps): NotionTokens {
  /** Whose each handed-out token is: Notion's 401 names only the token. */
  const owners = new Map<string, string>();
  /** One refresh at a time per person: concurrent 401s wait for the same new token. */
  const refreshing = new Map<string, Promise<string | undefined>>();

  async function load(userId: string): Promise<string | undefined> {
    const auth = await deps.connections.loadAuth(userId);
    if (!auth) return undefined;
    deps.bindWorkspace(auth.accessToken, auth.workspaceId);
    owners.set(auth.accessToken, userId);
    return auth.accessToken;
  }

  async function refresh(userId: string, expired: string): Promise<string | undefined> {
    const auth = await deps.connections.loadAuth(userId);
    if (!auth) return undefined;
    if (auth.accessToken !== expired) return load(userId);
    if (!auth.refreshToken) return undefined;
    let grant;
    try {
      grant = await refreshGrant(deps.oauth, auth.refreshToken);
    } catch (error) {
      if (isTransient(error)) throw error;
      // Another process may have spent the refresh token a moment ago: its new pair is stored by now.
      const latest = await deps.connections.loadAuth(userId);
      if (latest && latest.accessToken !== expired) return load(userId);
      deps.log.warn({ userId, kind: (error as { kind?: string }).kind }, "Notion refused the refresh token; the connection is gone");
      return undefined;
    }
    await deps.connections.saveRefreshed(userId, { accessToken: grant.accessToken, refreshToken: grant.refreshToken ?? auth.refreshToken });
    deps.log.info({ userId }, "Notion access token refreshed");
    return load(userId);
  }

  return {
    load,
    async renew(expired) {
      const userId = owners.get(expired);
      if (!userId) return undefined;
      const running = refreshing.get(userId);
      if (running) return running;
      const started = refresh(userId, expired).finally(() => refreshing.delete(userId));
      refreshing.set(userId, started);
      return started;
    },
    async revoke(userId) {
      try {
        const auth = await deps.connections.loadAuth(userId);
        if (!auth) return true;
        await revokeToken(deps.oauth, auth.accessToken);
        deps.log.info({ userId }, "Notion token revoked");
        return true;
      } catch (error) {
        deps.log.error({ userId, kind: (error as { kind?: string }).kind, err: error instanceof Error ? error.message : String(error) }, "could not revoke the Notion token; the connection is forgotten here anyway");
        return false;
      }
    },
  };
}

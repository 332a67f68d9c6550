import { Client, LogLevel, type OauthTokenParameters } from "@notionhq/client";
import { z } from "zod";
import type { Config } from "../config.ts";
import type { GrantToSave } from "../db/connections.ts";
import { UserFacingError } from "../errors.ts";
import { NOTION_VERSION } from "./client.ts";
import { toNotionError } from "./errors.ts";

/**
 * What Notion hands back when a person connects a workspace: the token and the workspace it
 * opens. Notion's `owner` object (the person's name and e-mail) is left out: nothing uses it.
 */
export type NotionGrant = GrantToSave;

function credentials(notion: Config["notion"]): { clientId: string; clientSecret: string } {
  if (!notion.clientId || !notion.clientSecret) {
    throw new UserFacingError("not_configured", "error.notionNotConfigured");
  }
  return { clientId: notion.clientId, clientSecret: notion.clientSecret };
}

/**
 * The Notion consent page URL for a person: `owner=user` so the token acts for them, and
 * `state` so the callback can be matched to the chat that asked.
 */
export function buildAuthorizeUrl(notion: Config["notion"], state: string): string {
  const url = new URL(`${notion.apiBaseUrl}/v1/oauth/authorize`);
  url.searchParams.set("client_id", credentials(notion).clientId);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("owner", "user");
  url.searchParams.set("redirect_uri", notion.redirectUri);
  url.searchParams.set("state", state);
  return url.toString();
}

const tokenResponse = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).nullish(),
  bot_id: z.string(),
  workspace_id: z.string(),
  workspace_name: z.string().nullish(),
  workspace_icon: z.string().nullish(),
});

function tokenClient(notion: Config["notion"]): Client {
  return new Client({ baseUrl: notion.apiBaseUrl, notionVersion: NOTION_VERSION, logLevel: LogLevel.ERROR, retry: false });
}

async function requestGrant(notion: Config["notion"], body: OauthTokenParameters): Promise<NotionGrant> {
  const { clientId, clientSecret } = credentials(notion);
  let raw: unknown;
  try {
    raw = await tokenClient(notion).oauth.token({ client_id: clientId, client_secret: clientSecret, ...body });
  } catch (error) {
    throw toNotionError(error, "oauth");
  }
  const token = tokenResponse.parse(raw);
  return {
    accessToken: token.access_token,
    refreshToken: token.refresh_token ?? undefined,
    workspaceId: token.workspace_id,
    workspaceName: token.workspace_name ?? undefined,
    workspaceIcon: token.workspace_icon ?? undefined,
    botId: token.bot_id,
  };
}

/** Exchanges the one-time `code` from the callback for an access token (basic auth with the client id and secret). */
export function exchangeCode(notion: Config["notion"], code: string): Promise<NotionGrant> {
  return requestGrant(notion, { grant_type: "authorization_code", code, redirect_uri: notion.redirectUri });
}

/**
 * Trades a refresh token for a new access token and a new refresh token (Notion rotates both;
 * the old pair stops working). A refresh token Notion no longer honours is a `bad_request`
 * error (its `invalid_grant`).
 */
export function refreshGrant(notion: Config["notion"], refreshToken: string): Promise<NotionGrant> {
  return requestGrant(notion, { grant_type: "refresh_token", refresh_token: refreshToken });
}

/**
 * Revokes `accessToken` at Notion (POST /v1/oauth/revoke with the integration's id and secret):
 * the integration leaves the person's workspace and the token and its refresh token stop working.
 */
export async function revokeToken(notion: Config["notion"], accessToken: string): Promise<void> {
  const { clientId, clientSecret } = credentials(notion);
  try {
    await tokenClient(notion).oauth.revoke({ client_id: clientId, client_secret: clientSecret, token: accessToken });
  } catch (error) {
    throw toNotionError(error, "oauth");
  }
}

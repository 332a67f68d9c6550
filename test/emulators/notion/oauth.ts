import { randomBytes, randomUUID } from "node:crypto";
import escapeHtml from "escape-html";
import express, { type Express, type Request, type Response } from "express";
import { NotionError, sendNotionError } from "./errors.ts";
import type { NotionStore, TokenGrant } from "./store.ts";

/**
 * Notion's OAuth for public integrations: a consent page at /v1/oauth/authorize where the
 * person ticks the data sources to share and presses Allow or Cancel, and POST /v1/oauth/token
 * exchanging a single-use code (basic auth with client id and secret) for an access token and a
 * refresh token, or a refresh token for a new pair (the old pair stops working); and POST
 * /v1/oauth/revoke, which ends a grant.
 */

/** An integration registered with the emulator. */
export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  /** When given, redirect_uri must be one of these. */
  redirectUris?: string[];
}

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  dataSourceIds: string[];
  used: boolean;
  expiresAt: number;
}

const CODE_LIFETIME_MS = 10 * 60 * 1000;

function page(res: Response, status: number, title: string, body: string): void {
  res
    .status(status)
    .type("html")
    .send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><main>${body}</main></body></html>`);
}

/** Adds the OAuth routes; must be mounted before the API routes. */
export function mountOAuth(app: Express, store: NotionStore, clients: OAuthClient[]): void {
  const codes = new Map<string, IssuedCode>();
  const clientOf = (id: unknown) => clients.find((c) => c.clientId === id);

  /** The checks both the consent page and its form submission make; returns an error sentence or undefined. */
  function problem(q: Record<string, unknown>): string | undefined {
    const client = clientOf(q.client_id);
    if (!client) return "Unknown client_id.";
    if (q.response_type !== "code") return "response_type must be code.";
    if (q.owner !== "user") return "owner must be user.";
    if (typeof q.redirect_uri !== "string" || !/^https?:\/\//.test(q.redirect_uri)) return "redirect_uri is missing or not an http(s) URL.";
    if (client.redirectUris && !client.redirectUris.includes(q.redirect_uri)) return "redirect_uri is not registered for this integration.";
    return undefined;
  }

  app.get("/v1/oauth/authorize", (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    const wrong = problem(q);
    if (wrong) return page(res, 400, "Invalid request", `<h1>Invalid authorization request</h1><p>${escapeHtml(wrong)}</p>`);
    const hidden = ["client_id", "response_type", "owner", "redirect_uri", "state"]
      .map((name) => `<input type="hidden" name="${name}" value="${escapeHtml(q[name] ?? "")}">`)
      .join("\n");
    const boxes = store.workspace.dataSources
      .map(
        (ds) =>
          `<div><input type="checkbox" id="ds-${escapeHtml(ds.id)}" name="data_source_id" value="${escapeHtml(ds.id)}" checked>` +
          `<label for="ds-${escapeHtml(ds.id)}">${escapeHtml(ds.title)}</label></div>`,
      )
      .join("\n");
    page(
      res,
      200,
      "Connect to Notion",
      `<h1>Connect to ${escapeHtml(store.workspace.name)}</h1>
<form method="post" action="/v1/oauth/authorize">
${hidden}
<fieldset><legend>Databases the integration may use</legend>
${boxes}
</fieldset>
<button type="submit" name="decision" value="allow">Allow access</button>
<button type="submit" name="decision" value="cancel">Cancel</button>
</form>`,
    );
  });

  app.post("/v1/oauth/authorize", express.urlencoded({ extended: false }), (req, res) => {
    const form = (req.body ?? {}) as Record<string, string | string[] | undefined>;
    const wrong = problem(form);
    if (wrong) return page(res, 400, "Invalid request", `<h1>Invalid authorization request</h1><p>${escapeHtml(wrong)}</p>`);
    const target = new URL(form.redirect_uri as string);
    if (form.decision === "allow") {
      const ticked = [form.data_source_id ?? []].flat();
      const known = new Set(store.workspace.dataSources.map((d) => d.id));
      const code = randomBytes(16).toString("hex");
      codes.set(code, {
        clientId: form.client_id as string,
        redirectUri: form.redirect_uri as string,
        dataSourceIds: ticked.filter((id) => known.has(id)),
        used: false,
        expiresAt: Date.now() + CODE_LIFETIME_MS,
      });
      target.searchParams.set("code", code);
    } else {
      target.searchParams.set("error", "access_denied");
    }
    if (typeof form.state === "string" && form.state !== "") target.searchParams.set("state", form.state);
    res.redirect(302, target.toString());
  });

  /** The integration named by the request's basic auth, or undefined (after answering 401) when the id or secret is wrong. */
  function authenticated(req: Request, res: Response): OAuthClient | undefined {
    const match = /^Basic (.+)$/.exec(req.get("Authorization") ?? "");
    const [id, secret] = match ? Buffer.from(match[1]!, "base64").toString("utf8").split(":") : [];
    const client = clientOf(id);
    if (client && client.clientSecret === secret) return client;
    sendNotionError(res, new NotionError(401, "unauthorized", "Invalid client credentials."));
    return undefined;
  }

  app.post("/v1/oauth/token", express.json(), (req, res) => {
    const client = authenticated(req, res);
    if (!client) return;
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (body.grant_type === "refresh_token") {
      const old = typeof body.refresh_token === "string" ? store.refreshTokens.get(body.refresh_token) : undefined;
      if (!old) return sendNotionError(res, new NotionError(400, "invalid_grant", "Invalid refresh token: it has been used, revoked or never issued."));
      return void res.json(tokenAnswer(store, store.rotate(old)));
    }
    if (body.grant_type !== "authorization_code") {
      return sendNotionError(res, new NotionError(400, "validation_error", 'body failed validation: body.grant_type should be `"authorization_code"` or `"refresh_token"`.'));
    }
    const issued = typeof body.code === "string" ? codes.get(body.code) : undefined;
    if (!issued || issued.used || issued.expiresAt < Date.now() || issued.clientId !== client.clientId) {
      return sendNotionError(res, new NotionError(400, "invalid_grant", "Invalid code: this code has been revoked."));
    }
    if (body.redirect_uri !== issued.redirectUri) {
      return sendNotionError(res, new NotionError(400, "invalid_grant", "Invalid redirect_uri: it does not match the authorization request."));
    }
    issued.used = true;
    res.json(tokenAnswer(store, store.grant(issued.dataSourceIds)));
  });

  // Revoking ends the whole grant (access and refresh token). A token already dead is answered
  // 200 as well, as OAuth's revocation endpoints do (RFC 7009): there is nothing left to undo.
  app.post("/v1/oauth/revoke", express.json(), (req, res) => {
    if (!authenticated(req, res)) return;
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (typeof body.token !== "string" || body.token === "") {
      return sendNotionError(res, new NotionError(400, "validation_error", "body failed validation: body.token should be defined, instead was `undefined`."));
    }
    const grant = store.tokens.get(body.token);
    if (grant) store.revoke(grant);
    res.json({ request_id: randomUUID() });
  });
}

/** The token endpoint's answer for a new grant (after consent, or a refresh). */
function tokenAnswer(store: NotionStore, grant: TokenGrant) {
  return {
    access_token: grant.token,
    token_type: "bearer",
    refresh_token: grant.refreshToken,
    bot_id: grant.botId,
    workspace_name: store.workspace.name,
    workspace_icon: store.workspace.icon ?? null,
    workspace_id: store.workspace.id,
    owner: {
      type: "user",
      user: { object: "user", id: randomUUID(), name: "Emulated Person", avatar_url: null, type: "person", person: { email: "person@example.com" } },
    },
    duplicated_template_id: null,
    request_id: randomUUID(),
  };
}

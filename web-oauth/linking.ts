import express, { type Express, type NextFunction, type Request, type Response } from "express";
import { z } from "zod";
import { redeemConnectToken, type ConnectTokenRefusal } from "../src/chat/connect-link.ts";
import type { SignIn, SignInOutcome } from "../src/chat/sign-in.ts";
import type { Config } from "../src/config.ts";
import type { Logger } from "../src/log.ts";
import { buildAuthorizeUrl } from "../src/notion/oauth.ts";
import type { StateStore } from "../src/state/store.ts";
import { clearBrowserNonce, readBrowserNonce, setBrowserNonce } from "./browser-cookie.ts";
import { createOAuthState, OAUTH_STATE_TTL_SECONDS, takeOAuthState, type OAuthStateRefusal } from "./oauth-state.ts";
import {
  connectedPage,
  deniedPage,
  exchangeFailedPage,
  linkExpiredPage,
  linkUsedPage,
  notionUnavailablePage,
  otherBrowserPage,
  type ChatLink,
  type Page,
} from "./pages.ts";

/** What the linking pages need from the rest of the service. */
export interface LinkingDeps {
  config: Config;
  log: Logger;
  state: StateStore;
  /** The sign-in use cases of the chat core. */
  signIn: SignIn;
  /** Where "back to the chat" goes: `https://t.me/<bot>`, and a Discord link (else the identity's DM channel). */
  botLinks: { telegram?: string; discord?: string };
}

const callbackQuery = z.object({
  // A repeated parameter arrives as an array: treated as missing, never guessed at.
  state: z.string().min(1).max(256).optional().catch(undefined),
  code: z.string().min(1).max(512).optional().catch(undefined),
  error: z.string().min(1).max(128).optional().catch(undefined),
});

/** Both pages are GETs: a body is never read, and one over 1 KB is refused (413) rather than buffered. */
const pageGuards = [
  express.raw({ limit: "1kb", type: () => true }),
  (_req: Request, res: Response, next: NextFunction) => {
    // The URLs carry one-time tokens: no cache anywhere may keep these answers.
    res.set("Cache-Control", "no-store");
    next();
  },
];

function send(res: Response, page: Page): void {
  res.status(page.status).type("html").send(page.html);
}

function refusalPage(refusal: OAuthStateRefusal | ConnectTokenRefusal): Page {
  if (refusal === "used") return linkUsedPage();
  if (refusal === "other_browser") return otherBrowserPage();
  return linkExpiredPage();
}

function chatLinkFor(identity: { platform: string; dmChatId: string }, botLinks: LinkingDeps["botLinks"]): ChatLink | undefined {
  if (identity.platform === "TELEGRAM" && botLinks.telegram) return { href: botLinks.telegram, label: "Back to Telegram" };
  if (identity.platform === "DISCORD") {
    const href = botLinks.discord ?? (/^\d+$/.test(identity.dmChatId) ? `https://discord.com/channels/@me/${identity.dmChatId}` : undefined);
    if (href) return { href, label: "Back to Discord" };
  }
  return undefined;
}

/**
 * Mounts the Notion linking site: `/connect/:token` spends a one-time link and sends the person
 * to Notion's consent page; `/oauth/notion/callback` finishes the sign-in and shows the outcome.
 * Every refusal answers 400 before anything is written to the database.
 */
export function mountLinking(app: Express, deps: LinkingDeps): void {
  const secureCookie = deps.config.publicUrl.startsWith("https://");
  const linking = express.Router();

  // A HEAD (link checkers, some chat previews) must not spend the link; Express would run the GET for it.
  linking.head("/connect/:token", ...pageGuards, (_req: Request, res: Response) => void res.status(200).type("html").end());
  linking.get("/connect/:token", ...pageGuards, async (req: Request<{ token: string }>, res: Response) => {
    if (!deps.config.notion.clientId) {
      deps.log.warn("a connect link was opened but NOTION_CLIENT_ID is not set");
      return send(res, notionUnavailablePage());
    }
    const redeemed = await redeemConnectToken(deps.state, req.params.token);
    if ("error" in redeemed) return send(res, refusalPage(redeemed.error));
    const { state, browserNonce } = await createOAuthState(deps.state, redeemed.identityId);
    setBrowserNonce(res, browserNonce, OAUTH_STATE_TTL_SECONDS, secureCookie);
    deps.log.info({ identityId: redeemed.identityId }, "connect link opened; sending the person to Notion");
    // The destination comes from configuration only: nothing in the request chooses it.
    res.redirect(302, buildAuthorizeUrl(deps.config.notion, state));
  });

  linking.get("/oauth/notion/callback", ...pageGuards, async (req: Request, res: Response) => {
    const query = callbackQuery.parse(req.query);
    const browserNonce = readBrowserNonce(req);
    clearBrowserNonce(res, secureCookie);
    if (!query.state) return send(res, linkExpiredPage());
    const taken = await takeOAuthState(deps.state, query.state, browserNonce);
    if ("error" in taken) {
      deps.log.warn({ refusal: taken.error }, "notion callback refused");
      return send(res, refusalPage(taken.error));
    }
    const identity = await deps.signIn.identity(taken.identityId);
    if (!identity) return send(res, linkExpiredPage());
    const chat = chatLinkFor(identity, deps.botLinks);
    if (query.error === "access_denied") return send(res, deniedPage(chat));
    if (query.error || !query.code) {
      deps.log.warn({ error: query.error }, "notion callback came back without a code");
      return send(res, exchangeFailedPage());
    }
    send(res, outcomePage(await deps.signIn.finish(identity, query.code), chat));
  });

  app.use(linking);
}

/** The page that shows how the sign-in ended. */
function outcomePage(outcome: SignInOutcome, chat: ChatLink | undefined): Page {
  if (outcome.kind === "exchange_failed") return outcome.transient ? notionUnavailablePage() : exchangeFailedPage();
  return connectedPage({ workspaceName: outcome.workspaceName, databases: outcome.databases, discoveryFailed: outcome.discoveryFailed, chat });
}

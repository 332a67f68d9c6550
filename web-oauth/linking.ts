import { randomBytes, timingSafeEqual } from "node:crypto";
import express, { type Express, type NextFunction, type Request, type Response } from "express";
import { z } from "zod";
import { CONNECT_LINK_TTL_SECONDS, peekConnectToken, redeemConnectToken, type ConnectTokenRefusal } from "../src/chat/connect-link.ts";
import type { SignIn, SignInOutcome } from "../src/chat/sign-in.ts";
import type { Config } from "../src/config.ts";
import type { ChatIdentity } from "../src/db/people.ts";
import { speakingLanguage } from "../src/i18n/index.ts";
import type { Logger } from "../src/log.ts";
import { buildAuthorizeUrl } from "../src/notion/oauth.ts";
import type { StateStore } from "../src/state/store.ts";
import { clearBrowserNonce, readBrowserNonce, readConfirmNonce, setBrowserNonce, setConfirmNonce } from "./browser-cookie.ts";
import { createOAuthState, OAUTH_STATE_TTL_SECONDS, takeOAuthState, type OAuthStateRefusal } from "./oauth-state.ts";
import {
  confirmConnectPage,
  connectedPage,
  continueToNotionPage,
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

const confirmForm = z.object({
  token: z.string().max(64).catch(""),
  confirm: z.string().max(64).catch(""),
});

/** The URLs and forms carry one-time tokens: no cache anywhere may keep these answers. */
function noStore(_req: Request, res: Response, next: NextFunction): void {
  res.set("Cache-Control", "no-store");
  next();
}

/** GET pages never read a body: one over 1 KB is refused (413) rather than buffered. */
const pageGuards = [express.raw({ limit: "1kb", type: () => true }), noStore];
/** The confirmation form: two short fields, so over 1 KB is refused (413). */
const formGuards = [express.urlencoded({ limit: "1kb", extended: false }), noStore];

const NONCE_SHAPE = /^[A-Za-z0-9_-]{43}$/;

function sameNonce(fromCookie: string | undefined, fromForm: string): boolean {
  if (!fromCookie || !NONCE_SHAPE.test(fromCookie) || !NONCE_SHAPE.test(fromForm)) return false;
  return timingSafeEqual(Buffer.from(fromCookie), Buffer.from(fromForm));
}

function accountOf(identity: ChatIdentity) {
  return { platform: identity.platform, displayName: identity.displayName, language: speakingLanguage(identity.language.chosen, identity.language.locale) };
}

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
 * Mounts the Notion linking site: `/connect/:token` asks the person to confirm the chat account,
 * the confirmation (POST `/connect`) spends the one-time link and sends them on to Notion's consent page; `/oauth/notion/callback` finishes the sign-in and shows the outcome.
 * Every refusal answers 400 before anything is written to the database.
 */
export function mountLinking(app: Express, deps: LinkingDeps): void {
  const secureCookie = deps.config.publicUrl.startsWith("https://");
  const linking = express.Router();

  /**
   * Shows the confirmation page naming the chat account, with a fresh confirmation nonce in a
   * SameSite=Strict cookie (kept when the browser has one, so two open links both work).
   */
  async function showConfirmation(req: Request, res: Response, token: string, status = 200): Promise<void> {
    const peeked = await peekConnectToken(deps.state, token);
    if ("error" in peeked) return send(res, refusalPage(peeked.error));
    const identity = await deps.signIn.identity(peeked.identityId);
    if (!identity) return send(res, linkExpiredPage());
    const kept = readConfirmNonce(req);
    const confirm = kept && NONCE_SHAPE.test(kept) ? kept : randomBytes(32).toString("base64url");
    setConfirmNonce(res, confirm, CONNECT_LINK_TTL_SECONDS, secureCookie);
    send(res, confirmConnectPage(accountOf(identity), { token, confirm }, status));
  }

  // A HEAD (link checkers, some chat previews) gets no page at all; Express would run the GET for it.
  linking.head("/connect/:token", ...pageGuards, (_req: Request, res: Response) => void res.status(200).type("html").end());
  // Opening the link (a person, or a preview bot) only asks: nothing is spent until the form comes back.
  linking.get("/connect/:token", ...pageGuards, async (req: Request<{ token: string }>, res: Response) => {
    if (!deps.config.notion.clientId) {
      deps.log.warn("a connect link was opened but NOTION_CLIENT_ID is not set");
      return send(res, notionUnavailablePage());
    }
    await showConfirmation(req, res, req.params.token);
  });

  linking.post("/connect", ...formGuards, async (req: Request, res: Response) => {
    if (!deps.config.notion.clientId) return send(res, notionUnavailablePage());
    const form = confirmForm.parse(req.body ?? {});
    if (!sameNonce(readConfirmNonce(req), form.confirm)) {
      // Not pressed on our page in this browser (another site's form, a replay): ask again, spend nothing.
      deps.log.warn("connect confirmation without this browser's nonce; asking again");
      return showConfirmation(req, res, form.token, 403);
    }
    const redeemed = await redeemConnectToken(deps.state, form.token);
    if ("error" in redeemed) return send(res, refusalPage(redeemed.error));
    const identity = await deps.signIn.identity(redeemed.identityId);
    if (!identity) return send(res, linkExpiredPage());
    const { state, browserNonce } = await createOAuthState(deps.state, redeemed.identityId);
    setBrowserNonce(res, browserNonce, OAUTH_STATE_TTL_SECONDS, secureCookie);
    deps.log.info({ identityId: redeemed.identityId }, "connect link confirmed; sending the person to Notion");
    // The destination comes from configuration only: nothing in the request chooses it.
    send(res, continueToNotionPage(buildAuthorizeUrl(deps.config.notion, state), accountOf(identity).language));
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
  return connectedPage({ ...outcome, chat });
}

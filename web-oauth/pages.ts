import escapeHtml from "escape-html";
import type { ChatPlatform } from "../src/db/people.ts";
import { translator, type Language } from "../src/i18n/index.ts";

/**
 * The linking site's pages: server-rendered, one plain sentence of what happened and what to do,
 * mobile-first, no scripts and no external assets. Every dynamic value goes through escapeHtml.
 */

/** A rendered page and the HTTP status it is sent with. */
export interface Page {
  status: number;
  html: string;
}

/** Where the "back to the chat" button goes (a URL from configuration, never from the request). */
export interface ChatLink {
  href: string;
  label: string;
}

const FRESH_LINK = "To try again, send /start to the bot in your chat and open the new link it gives you.";

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;font-size:1.125rem;line-height:1.5;color:#1b1b1f;background:#f6f6f8}
main{max-width:34rem;margin:0 auto;padding:2rem 1.25rem}
.card{background:#fff;border:1px solid #d4d4da;border-radius:12px;padding:1.5rem}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 1rem}
p{margin:0 0 1rem}
ul{margin:0 0 1rem;padding-left:1.25rem}
li{margin:.25rem 0}
code{font-family:"DejaVu Sans Mono",ui-monospace,monospace;background:#ececf1;border-radius:4px;padding:0 .25rem}
.button{display:block;text-align:center;min-height:48px;padding:.75rem 1rem;border-radius:8px;background:#0b57d0;color:#fff;font-weight:600;text-decoration:none}
button.button{width:100%;border:0;font:inherit;font-weight:600;cursor:pointer}
.button:focus-visible{outline:3px solid #1b1b1f;outline-offset:2px}
.status{font-size:.95rem;font-weight:600;color:#3c3c43;margin-bottom:.5rem}
@media (min-width:40rem){main{padding-top:4rem}}`;

/** A whole page in the site's one style: a card with the title and `body` (already escaped HTML). */
export function layout(status: number, title: string, body: string, options: { lang?: Language; head?: string } = {}): Page {
  const html = `<!doctype html>
<html lang="${options.lang ?? "en"}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">${options.head ?? ""}
<title>${escapeHtml(title)} · reelnotes</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<div class="card">
<p class="status">reelnotes · Notion</p>
<h1>${escapeHtml(title)}</h1>
${body}
</div>
</main>
</body>
</html>
`;
  return { status, html };
}

function paragraphs(...sentences: string[]): string {
  return sentences.map((s) => `<p>${escapeHtml(s)}</p>`).join("\n");
}

function chatButton(chat: ChatLink | undefined): string {
  if (!chat) return paragraphs("You can close this page and go back to your chat.");
  return `<a class="button" href="${escapeHtml(chat.href)}">${escapeHtml(chat.label)}</a>`;
}

/** Notion is linked: names the workspace and the databases found, with a button back to the chat. */
export function connectedPage(info: {
  workspaceName: string;
  databases: { title: string; tag: string }[];
  discoveryFailed: boolean;
  /** Notion's search did not list the shared databases yet; the bot keeps looking and tells the chat. */
  stillLooking?: boolean;
  chat?: ChatLink;
}): Page {
  const intro = paragraphs(`Your chat is now connected to the Notion workspace “${info.workspaceName}”.`);
  let found: string;
  if (info.discoveryFailed) {
    found = paragraphs("Notion did not let us list your databases just now. Send /tag in the chat in a minute to see them.");
  } else if (info.stillLooking) {
    found = paragraphs(
      "Notion has not listed the databases you shared yet (it can take a moment after you connect). The bot keeps looking and tells you in the chat as soon as it sees them.",
    );
  } else if (info.databases.length === 0) {
    found = paragraphs(
      "We found no databases shared with reelnotes. Send /start in the chat for a fresh link and tick at least one database on Notion's page.",
    );
  } else {
    const count = info.databases.length === 1 ? "1 database" : `${info.databases.length} databases`;
    const items = info.databases
      .map((d) => `<li>${escapeHtml(d.title)} — <code>/tag ${escapeHtml(d.tag)}</code></li>`)
      .join("\n");
    found = `${paragraphs(`We found ${count}:`)}\n<ul aria-label="Databases found">\n${items}\n</ul>\n${paragraphs("Choose one with /tag in the chat, then share a video link.")}`;
  }
  return layout(200, "Notion connected", `${intro}\n${found}\n${chatButton(info.chat)}`);
}

/** The person pressed Cancel on Notion's consent page. */
export function deniedPage(chat?: ChatLink): Page {
  return layout(
    200,
    "Notion was not connected",
    `${paragraphs("You cancelled on Notion's page, so nothing was shared and nothing changed.", FRESH_LINK)}\n${chatButton(chat)}`,
  );
}

/** The connect link or the sign-in step ran past its time, or was never ours. */
export function linkExpiredPage(): Page {
  return layout(400, "This link has expired", paragraphs("This connect link is no longer valid: links work for 15 minutes.", FRESH_LINK));
}

/** The connect link or the sign-in step was already used once. */
export function linkUsedPage(): Page {
  return layout(400, "This link was already used", paragraphs("Each connect link works only once, and this one has been opened before.", FRESH_LINK));
}

/** The sign-in came back to a different browser than the one that opened the connect link. */
export function otherBrowserPage(): Page {
  return layout(
    400,
    "This sign-in started somewhere else",
    paragraphs("Notion sent you back to a different browser than the one that opened the connect link, so we stopped to keep your account safe.", FRESH_LINK),
  );
}

/** Notion could not be reached or answered with an error of its own. */
export function notionUnavailablePage(): Page {
  return layout(503, "Notion is not answering", paragraphs("We could not reach Notion just now, so your workspace was not connected.", FRESH_LINK));
}

/** Notion refused to exchange the sign-in for access. */
export function exchangeFailedPage(): Page {
  return layout(502, "Notion did not confirm the connection", paragraphs("Notion refused to finish the sign-in, so your workspace was not connected.", FRESH_LINK));
}

/** The chat account a connect link was issued for, as the confirmation page names it. */
export interface ConnectingAccount {
  platform: ChatPlatform;
  /** `@ada`, or a name; null when the chat app never told us. */
  displayName: string | null;
  language: Language;
}

const PLATFORM_NAMES: Record<ChatPlatform, string> = { TELEGRAM: "Telegram", DISCORD: "Discord" };

/**
 * Asks the person who opened a connect link whether this chat account is theirs, in its
 * language; only the form's POST (with the link's token and the browser's confirmation nonce)
 * spends the link. Opening the page, as link previews do, changes nothing.
 */
export function confirmConnectPage(account: ConnectingAccount, form: { token: string; confirm: string }, status = 200): Page {
  const t = translator(account.language);
  const platform = PLATFORM_NAMES[account.platform];
  const title = account.displayName ? t("connectPage.title", { platform, account: account.displayName }) : t("connectPage.titleUnnamed", { platform });
  const body = `${paragraphs(t("connectPage.explain", { platform }), t("connectPage.warning"))}
<form method="post" action="/connect">
<input type="hidden" name="token" value="${escapeHtml(form.token)}">
<input type="hidden" name="confirm" value="${escapeHtml(form.confirm)}">
<button class="button" type="submit">${escapeHtml(t("connectPage.button"))}</button>
</form>`;
  return layout(status, title, body, { lang: account.language });
}

/**
 * Sends the browser on to Notion's consent page after the confirmation. A refresh rather than a
 * redirect: the CSP's `form-action 'self'` also judges every redirect that answers a form, and
 * Notion's consent moves through more than one of its own origins. The link is there for
 * browsers that do not follow refreshes.
 */
export function continueToNotionPage(authorizeUrl: string, language: Language): Page {
  const t = translator(language);
  const head = `\n<meta http-equiv="refresh" content="0;url=${escapeHtml(authorizeUrl)}">`;
  const body = `<a class="button" href="${escapeHtml(authorizeUrl)}">${escapeHtml(t("connectPage.continueLink"))}</a>`;
  return layout(200, t("connectPage.continuing"), body, { lang: language, head });
}

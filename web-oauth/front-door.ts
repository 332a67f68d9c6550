import escapeHtml from "escape-html";
import type { Express, Request } from "express";
import { LANGUAGES, translator, type Language, type Translate } from "../src/i18n/index.ts";
import { layout, type Page } from "./pages.ts";

/**
 * The front door: `/` says what the bot does with a link to it on each configured platform;
 * `/privacy` and `/terms` say what is stored, for how long and how to delete it. In the
 * visitor's language (Accept-Language), server-rendered like the linking pages: no scripts,
 * no external assets, every value escaped (helmet's default CSP allows the inline style only).
 */

/** What the pages tell: where the bot is, how long texts are kept, how many links an hour. */
export interface FrontDoorFacts {
  botLinks: { telegram?: string; discord?: string };
  textRetentionDays: number;
  maxLinksPerHour: number;
}

const p = (text: string) => `<p>${escapeHtml(text)}</p>`;

function footer(t: Translate): string {
  return `<p><a href="/">reelnotes</a> · <a href="/privacy">${escapeHtml(t("site.privacyLink"))}</a> · <a href="/terms">${escapeHtml(t("site.termsLink"))}</a></p>`;
}

/** `/`: what the bot does, and a button to it on each platform that is set up. */
export function homePage(language: Language, facts: FrontDoorFacts): Page {
  const t = translator(language);
  const bots = [
    ...(facts.botLinks.telegram ? [{ href: facts.botLinks.telegram, label: t("site.openTelegram") }] : []),
    ...(facts.botLinks.discord ? [{ href: facts.botLinks.discord, label: t("site.openDiscord") }] : []),
  ];
  const buttons = bots.map((b) => `<p><a class="button" href="${escapeHtml(b.href)}">${escapeHtml(b.label)}</a></p>`).join("\n");
  const body = [p(t("site.homeIntro")), bots.length > 0 ? p(t("site.homeBots")) + buttons : p(t("site.homeNoBots")), footer(t)].join("\n");
  return layout(200, t("site.homeTitle"), body, { lang: language });
}

/** `/privacy`: what is stored, for how long, who else sees it, and how to delete it. */
export function privacyPage(language: Language, facts: FrontDoorFacts): Page {
  const t = translator(language);
  const body = [t("site.privacyStored"), t("site.privacyRetention", { count: facts.textRetentionDays }), t("site.privacyServices"), t("site.privacyDelete")].map(p);
  return layout(200, t("site.privacyTitle"), [...body, footer(t)].join("\n"), { lang: language });
}

/** `/terms`: what the bot may be used for, its limit, and where the data rules are. */
export function termsPage(language: Language, facts: FrontDoorFacts): Page {
  const t = translator(language);
  const body = [t("site.termsUse"), t("site.termsLimit", { count: facts.maxLinksPerHour }), t("site.termsData")].map(p);
  return layout(200, t("site.termsTitle"), [...body, footer(t)].join("\n"), { lang: language });
}

/** The visitor's language from Accept-Language, when the bot speaks one they accept; else English. */
function visitorLanguage(req: Request): Language {
  const accepted = req.acceptsLanguages(...LANGUAGES);
  return typeof accepted === "string" ? (accepted as Language) : "en";
}

/** Serves `/`, `/privacy` and `/terms`. */
export function mountFrontDoor(app: Express, facts: FrontDoorFacts): void {
  const serve = (path: string, render: (language: Language, facts: FrontDoorFacts) => Page) =>
    app.get(path, (req, res) => {
      const page = render(visitorLanguage(req), facts);
      res.status(page.status).vary("Accept-Language").type("html").send(page.html);
    });
  serve("/", homePage);
  serve("/privacy", privacyPage);
  serve("/terms", termsPage);
}

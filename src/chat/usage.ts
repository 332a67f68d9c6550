import { costOf } from "../ai/usage.ts";
import type { Reply } from "./adapter.ts";
import type { ChatDeps } from "./context.ts";
import type { Person } from "./person.ts";

/** The first moment of `now`'s calendar month, in UTC (a person's month for /usage). */
export function startOfMonth(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

/**
 * `/usage`: what the person's saves used this calendar month (UTC) and what that cost at the
 * configured list prices: videos, seconds of speech transcribed, images read, Gemini tokens.
 */
export async function usageCommand(deps: ChatDeps, person: Person, reply: Reply): Promise<void> {
  const { t, language } = person;
  const now = new Date(deps.now?.() ?? Date.now());
  const month = new Intl.DateTimeFormat(language, { month: "long", year: "numeric", timeZone: "UTC" }).format(now);
  const usage = await deps.repos.usage.totalsOf(person.userId, startOfMonth(now));
  if (usage.jobs === 0) return void (await reply({ text: t("usage.none", { month }) }, { personal: true }));
  const money = new Intl.NumberFormat(language, { style: "currency", currency: "USD", maximumSignificantDigits: 3 });
  const lines = [
    t("usage.videos", { count: usage.jobs, month, cost: money.format(costOf(usage, deps.prices).total) }),
    t("usage.speech", { count: Math.round(usage.audioSeconds) }),
    t("usage.images", { count: usage.visionImages }),
    t("usage.tokens", { input: usage.geminiInputTokens, output: usage.geminiOutputTokens }),
    t("usage.prices"),
  ];
  await reply({ text: lines.join("\n") }, { personal: true });
}

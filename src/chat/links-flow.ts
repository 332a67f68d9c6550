import pRetry from "p-retry";
import { isStoreUnavailable } from "../errors.ts";
import type { Translate } from "../i18n/index.ts";
import { acceptLinks, type AcceptOutcome, type SharedVideo } from "../jobs/intake.ts";
import type { ChatPlatform, Reply } from "./adapter.ts";
import { createConnectLink } from "./connect-link.ts";
import type { ChatDeps } from "./context.ts";
import { databaseButtons, workspaceOf } from "./databases.ts";
import type { Person } from "./person.ts";
import { hashtagsIn, normaliseName } from "./tag-match.ts";

/** About a minute of a database restarting, tried every second or two. */
const PROGRESS_REF_RETRY = { retries: 40, minTimeout: 500, maxTimeout: 2000 };

async function answerOutcome(deps: ChatDeps, platform: ChatPlatform, t: Translate, outcome: AcceptOutcome, reply: Reply): Promise<void> {
  switch (outcome.kind) {
    case "queued":
    case "in_progress": {
      const sent = outcome.link.platform === "file";
      const text =
        outcome.kind === "queued"
          ? sent ? t("queuedFile") : t("queued", { url: outcome.link.url })
          : sent ? t("alreadyWorkingFile") : t("alreadyWorking", { url: outcome.link.url });
      // Decided here, before any work: the person knows at once what the page will lack.
      const message = await reply({ text: outcome.kind === "queued" && deps.summaryOff ? `${text}\n${t("summaryOff")}` : text });
      // Every message that asked for this link is edited as the job moves on. The message is out
      // already: a database restarting now must not lose it (handled again, the update would
      // say "already working on it" in a second message and leave this one at "Queued").
      const ref = { platform, chatId: message.chatId, messageId: message.messageId };
      const status = await pRetry(() => deps.repos.jobs.addProgressMessage(outcome.job.id, ref), {
        ...PROGRESS_REF_RETRY,
        shouldRetry: ({ error }) => isStoreUnavailable(error),
      });
      // The job ended while this message was on its way (a quick worker, a slow send): nothing
      // else will edit it now, so its outcome is shown here.
      if (status === "DONE" || status === "FAILED") await deps.showEnded?.(outcome.job.id, ref);
      return;
    }
    case "already_saved":
      await reply({
        text: outcome.link.platform === "file" ? t("alreadySavedFile") : t("alreadySaved", { url: outcome.link.url }),
        buttons: outcome.job.notionPageUrl ? [[{ text: t("openInNotion"), url: outcome.job.notionPageUrl }]] : undefined,
      });
      return;
    case "rate_limited":
      // Answered once for the whole message, below.
      return;
  }
}

/** One answer for every link of the message over the hourly limit, however many there were. */
async function answerOverLimit(t: Translate, outcomes: AcceptOutcome[], reply: Reply): Promise<void> {
  const refused = outcomes.filter((o) => o.kind === "rate_limited");
  if (refused.length === 0) return;
  const minutes = Math.max(...refused.map((o) => o.retryInMinutes));
  if (refused.length === outcomes.length && refused.length === 1) return void (await reply({ text: t("rateLimited", { count: minutes }) }));
  const taken = outcomes.length - refused.length;
  await reply({ text: t("rateLimitedSome", { taken, total: outcomes.length, refused: refused.length, count: minutes }) });
}

/** Where links of this message go: a `#tag` naming one of the person's databases wins, else the current one. */
async function destinationOf(deps: ChatDeps, person: Person, text: string) {
  const databases = await deps.repos.schemas.list(person.userId);
  const wanted = hashtagsIn(text).map(normaliseName);
  // Captions carry many hashtags (#foodtok); only one naming a database counts.
  const byTag = databases.find((d) => wanted.includes(normaliseName(d.tag)) || wanted.includes(normaliseName(d.title)));
  const current = databases.find((d) => d.id === person.activeSchemaId);
  const only = databases.length === 1 ? databases[0] : undefined;
  return { databases, chosen: byTag ?? current ?? only };
}

/**
 * Turns the links of one message into jobs and answers each: a progress message per job,
 * then, when needed, the question of which database or the connect link.
 */
export async function handleLinks(deps: ChatDeps, platform: ChatPlatform, person: Person, text: string, links: SharedVideo[], reply: Reply): Promise<void> {
  if (deps.foreground) return deps.foreground.during(() => answerLinks(deps, platform, person, text, links, reply));
  return answerLinks(deps, platform, person, text, links, reply);
}

async function answerLinks(deps: ChatDeps, platform: ChatPlatform, person: Person, text: string, links: SharedVideo[], reply: Reply): Promise<void> {
  // All asked at once: one round trip of waiting instead of three.
  const [workspace, destination, earlier] = await Promise.all([
    workspaceOf(deps.repos, person.userId),
    destinationOf(deps, person, text),
    deps.repos.jobs.jobsForLinks(person.userId, links.map((l) => l.url)),
  ]);
  const connected = workspace !== undefined;
  const { databases, chosen } = connected ? destination : { databases: [], chosen: undefined };
  // Several databases and none chosen or named: each video's database is picked from its content.
  const pickDatabase = connected && !chosen && databases.length > 1;
  const status = !connected ? "WAITING_FOR_CONNECTION" : chosen || pickDatabase ? "QUEUED" : "WAITING_FOR_SCHEMA";
  const outcomes = await acceptLinks(
    { jobs: deps.repos.jobs, state: deps.state, maxLinksPerHour: deps.maxLinksPerHour, now: deps.now },
    { userId: person.userId, identityId: person.identityId, sourceText: text, links, schemaId: chosen?.id ?? null, status, pickDatabase },
    earlier,
  );
  const waiting = outcomes.filter((o) => o.kind === "queued").length;
  const { t } = person;
  try {
    for (const outcome of outcomes) await answerOutcome(deps, platform, t, outcome, reply);
    await answerOverLimit(t, outcomes, reply);
  } finally {
    // Work starts once "Queued" is out (or could not go out): a job's first steps start a yt-dlp
    // and ffmpeg, which would otherwise take the cores while a crowd's replies wait (issue 18).
    // The jobs are stored already, so a failed reply loses nothing.
    if (status === "QUEUED" && waiting > 0) deps.wakeWorker();
  }
  if (status === "QUEUED") return;
  if (waiting === 0) return;
  if (status === "WAITING_FOR_CONNECTION") {
    const link = await createConnectLink(deps.state, deps.publicUrl, person.identityId);
    await reply({ text: `${t("notConnectedKept", { count: waiting })} ${t("connectFirst")}`, buttons: [[{ text: t("connectButton"), url: link }]] });
    return;
  }
  if (databases.length === 0) {
    await reply({ text: t("noDatabases") });
    return;
  }
  await reply({ text: t("chooseForWaiting", { count: waiting }), buttons: databaseButtons(databases, "use") });
}

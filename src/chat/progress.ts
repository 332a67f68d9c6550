import type { Repositories } from "../db/repositories.ts";
import { checkpointsOf, type ProgressEvent, type ProgressSink, type StageName } from "../jobs/types.ts";
import { progressMessagesOf, type Job, type ProgressMessageRef } from "../db/jobs.ts";
import { isTransient } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { OutgoingMessage } from "./adapter.ts";
import type { AdapterRegistry } from "./context.ts";
import { jobLabel } from "./job-label.ts";
import { speakingLanguage, translator, type TextRef, type Translate } from "../i18n/index.ts";

const MIN_EDIT_INTERVAL_MS = 1000;
const SUMMARY_PREVIEW_CHARS = 300;
/** Jobs whose told messages are remembered until their end is recorded. */
const MAX_TOLD_JOBS = 10_000;

/** The "saved" message: the page, its summary's start, and the databases it may move to. */
function savedMessage(t: Translate, job: Job, event: Pick<Extract<ProgressEvent, { type: "done" }>, "page" | "summary" | "databaseTitle" | "moves">): OutgoingMessage {
  const { page, summary, databaseTitle, moves } = event;
  const preview = summary.summary.length > SUMMARY_PREVIEW_CHARS ? `${summary.summary.slice(0, SUMMARY_PREVIEW_CHARS - 1)}…` : summary.summary;
  return {
    text: moves ? `${t("saved", { database: databaseTitle, title: summary.title })}\n${t("savedPicked", { database: databaseTitle })}` : t("saved", { database: databaseTitle, title: summary.title }),
    card: { title: summary.title, description: preview, url: page.url, footer: databaseTitle },
    buttons: [
      [{ text: t("openInNotion"), url: page.url }],
      // Platforms take five buttons a row; the first four others are offered.
      ...(moves?.length ? [moves.slice(0, 4).map((m) => ({ text: t("moveButton", { database: m.title }), data: `move:${job.id}:${m.index}` }))] : []),
    ],
  };
}

/** The "could not save" message, with its reason and "Try again". */
function failedMessage(t: Translate, job: Job, text: TextRef): OutgoingMessage {
  return {
    text: t("failed", { reason: t(text.key, text.params), url: jobLabel(t, job) }),
    buttons: [[{ text: t("tryAgain"), data: `retry:${job.id}` }]],
  };
}

const refKey = (ref: ProgressMessageRef) => `${ref.platform}:${ref.chatId}:${ref.messageId}`;

/**
 * Shows a job's progress by editing every message that asked for it: stage changes at most
 * once a second per job, then the page link or the reason it failed.
 */
export function createProgressSink(repos: Repositories, adapters: AdapterRegistry, log: Logger): ProgressSink & {
  /** Shows an ended job's outcome on one message (one that began to follow it after its end was recorded). */
  showEnded(jobId: string, ref: ProgressMessageRef): Promise<void>;
} {
  const lastEdit = new Map<string, number>();
  /** The messages each job's outcome was shown on, until `ended` looks for later ones. */
  const told = new Map<string, Set<string>>();

  /** Edits one message; where an outcome's edit is refused for good (message deleted), sends it anew. */
  async function editOne(jobId: string, ref: ProgressMessageRef, message: OutgoingMessage, required: boolean): Promise<void> {
    const adapter = adapters.get(ref.platform);
    if (!adapter) throw new Error(`no ${ref.platform} adapter in this process`);
    try {
      await adapter.edit(ref.chatId, ref.messageId, message);
    } catch (error) {
      if (isTransient(error) || !required) throw error;
      log.warn({ jobId, err: error }, "could not edit the progress message; sending the result anew");
      await adapter.send(ref.chatId, message);
    }
  }

  /** Edits every message following the job; where an edit is refused for good (message deleted), sends the final word anew. */
  async function editAll(job: Job, message: OutgoingMessage, required: boolean): Promise<void> {
    // Read afresh: the same link sent again while running adds messages to follow this job.
    // A stage is shown only while this worker still holds the job (its lease may have lapsed and
    // a successor finished it); the outcome, said once the job is decided, always is.
    const heldBy = required ? undefined : (job.leaseOwner ?? undefined);
    const refs = (await repos.jobs.progressMessages(job.id, heldBy)) ?? progressMessagesOf(job);
    if (required) {
      told.set(job.id, new Set(refs.map(refKey)));
      // A job whose end this process never recorded (its lease lapsed) leaves its entry: keep the newest.
      if (told.size > MAX_TOLD_JOBS) told.delete(told.keys().next().value!);
    }
    const results = await Promise.allSettled(refs.map((ref) => editOne(job.id, ref, message, required)));
    const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    // Only a passing failure is worth retrying NOTIFY for; the page exists either way.
    if (failure && required && isTransient(failure.reason)) throw failure.reason;
    if (failure) log.warn({ jobId: job.id, err: failure.reason }, "could not show a job's progress");
  }

  /** The sentences of the job's person, read afresh: they may choose another language while it runs. */
  async function speakerOf(job: Job): Promise<Translate> {
    const settings = await repos.people.languageOfJob(job.id);
    return translator(speakingLanguage(settings?.chosen, settings?.locale));
  }
  const stageText = (t: Translate, job: Job, stage: StageName) => t(`stage.${stage}`, { url: jobLabel(t, job) });

  /** An ended job's outcome, from what its row recorded. */
  async function outcomeOf(t: Translate, job: Job): Promise<OutgoingMessage> {
    if (job.status === "FAILED") return failedMessage(t, job, (job.errorText as TextRef | null) ?? { key: "error.bug" });
    const { summarize, publish } = checkpointsOf(job);
    const url = job.notionPageUrl ?? publish?.url;
    const schema = job.schemaId ? await repos.schemas.find(job.schemaId) : undefined;
    if (!summarize || !url) return { text: t("alreadySaved", { url: jobLabel(t, job) }) };
    return savedMessage(t, job, { page: { pageId: job.notionPageId ?? publish?.pageId ?? "", url }, summary: summarize, databaseTitle: schema?.title ?? "Notion" });
  }

  async function showEnded(jobId: string, ref: ProgressMessageRef): Promise<void> {
    const job = await repos.jobs.find(jobId);
    if (!job || (job.status !== "DONE" && job.status !== "FAILED")) return;
    await editOne(jobId, ref, await outcomeOf(await speakerOf(job), job), true);
  }

  return {
    async stage({ job, stage }) {
      const now = Date.now();
      if (now - (lastEdit.get(job.id) ?? 0) < MIN_EDIT_INTERVAL_MS) return;
      lastEdit.set(job.id, now);
      await editAll(job, { text: stageText(await speakerOf(job), job, stage) }, false);
    },
    async done(event) {
      lastEdit.delete(event.job.id);
      // NOTIFY must reach the person; a failure here is retried by the pipeline.
      await editAll(event.job, savedMessage(await speakerOf(event.job), event.job, event), true);
    },
    async failed({ job, text }) {
      lastEdit.delete(job.id);
      await editAll(job, failedMessage(await speakerOf(job), job, text), true);
    },
    async ended(jobId) {
      const shown = told.get(jobId);
      told.delete(jobId);
      const refs = (await repos.jobs.progressMessages(jobId)) ?? [];
      for (const ref of refs.filter((r) => !shown?.has(refKey(r)))) await showEnded(jobId, ref);
    },
    showEnded,
  };
}

import type { Repositories } from "../db/repositories.ts";
import type { ProgressSink, StageName } from "../jobs/types.ts";
import { progressMessagesOf, type Job } from "../db/jobs.ts";
import { isTransient } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { OutgoingMessage } from "./adapter.ts";
import type { AdapterRegistry } from "./context.ts";
import { jobLabel } from "./job-label.ts";
import { speakingLanguage, translator, type Translate } from "../i18n/index.ts";

const MIN_EDIT_INTERVAL_MS = 1000;
const SUMMARY_PREVIEW_CHARS = 300;

/**
 * Shows a job's progress by editing every message that asked for it: stage changes at most
 * once a second per job, then the page link or the reason it failed.
 */
export function createProgressSink(repos: Repositories, adapters: AdapterRegistry, log: Logger): ProgressSink {
  const lastEdit = new Map<string, number>();

  /** Edits every message following the job; where an edit is refused for good (message deleted), sends the final word anew. */
  async function editAll(job: Job, message: OutgoingMessage, required: boolean): Promise<void> {
    // Read afresh: the same link sent again while running adds messages to follow this job.
    // A stage is shown only while this worker still holds the job (its lease may have lapsed and
    // a successor finished it); the outcome, said once the job is decided, always is.
    const heldBy = required ? undefined : (job.leaseOwner ?? undefined);
    const refs = (await repos.jobs.progressMessages(job.id, heldBy)) ?? progressMessagesOf(job);
    const results = await Promise.allSettled(
      refs.map(async (ref) => {
        const adapter = adapters.get(ref.platform);
        if (!adapter) throw new Error(`no ${ref.platform} adapter in this process`);
        try {
          await adapter.edit(ref.chatId, ref.messageId, message);
        } catch (error) {
          if (isTransient(error) || !required) throw error;
          log.warn({ jobId: job.id, err: error }, "could not edit the progress message; sending the result anew");
          await adapter.send(ref.chatId, message);
        }
      }),
    );
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

  return {
    async stage({ job, stage }) {
      const now = Date.now();
      if (now - (lastEdit.get(job.id) ?? 0) < MIN_EDIT_INTERVAL_MS) return;
      lastEdit.set(job.id, now);
      await editAll(job, { text: stageText(await speakerOf(job), job, stage) }, false);
    },
    async done({ job, page, summary, databaseTitle, moves }) {
      lastEdit.delete(job.id);
      const t = await speakerOf(job);
      const preview = summary.summary.length > SUMMARY_PREVIEW_CHARS ? `${summary.summary.slice(0, SUMMARY_PREVIEW_CHARS - 1)}…` : summary.summary;
      // NOTIFY must reach the person; a failure here is retried by the pipeline.
      await editAll(
        job,
        {
          text: moves ? `${t("saved", { database: databaseTitle, title: summary.title })}\n${t("savedPicked", { database: databaseTitle })}` : t("saved", { database: databaseTitle, title: summary.title }),
          card: { title: summary.title, description: preview, url: page.url, footer: databaseTitle },
          buttons: [
            [{ text: t("openInNotion"), url: page.url }],
            // Platforms take five buttons a row; the first four others are offered.
            ...(moves?.length ? [moves.slice(0, 4).map((m) => ({ text: t("moveButton", { database: m.title }), data: `move:${job.id}:${m.index}` }))] : []),
          ],
        },
        true,
      );
    },
    async failed({ job, text }) {
      lastEdit.delete(job.id);
      const t = await speakerOf(job);
      await editAll(
        job,
        {
          text: t("failed", { reason: t(text.key, text.params), url: jobLabel(t, job) }),
          buttons: [[{ text: t("tryAgain"), data: `retry:${job.id}` }]],
        },
        true,
      );
    },
  };
}

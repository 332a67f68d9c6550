import type { Translate } from "../i18n/index.ts";
import { checkpointsOf, type Job } from "../jobs/types.ts";

/**
 * How a job is named to its person: its link, or for a video sent as a file its file name (a
 * sent file's `canonicalUrl` is its de-duplication key, which is no address and means nothing to them).
 */
export function jobLabel(t: Translate, job: Pick<Job, "platform" | "canonicalUrl" | "checkpoints">): string {
  if (job.platform !== "file") return job.canonicalUrl;
  const name = checkpointsOf(job).sentFile?.name;
  return name ? t("sentFileLabel.named", { name }) : t("sentFileLabel.unnamed");
}

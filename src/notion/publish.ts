import { isTransient, type TransientError } from "../errors.ts";
import type { Summary } from "../summary.ts";
import { buildPageBody, childBatch, isJobMarker, topLevelBatch, type BodyBlock, type BodyProgress } from "./blocks.ts";
import {
  NOTION_MAX_INLINE_WAIT_MS,
  type DataSourceQuery,
  type NotionApi,
  type NotionBlockRef,
  type NotionPageRef,
  type PagePropertyValue,
  type PagePropertyValues,
} from "./client.ts";
import { buildPageProperties, findSourceUrlProperty, findTitleProperty, type NotionProperties } from "./schema-mapping.ts";

/** Everything needed to write one video's page. */
export interface PagePlan {
  jobId: string;
  dataSourceId: string;
  properties: NotionProperties;
  summary: Summary;
  sourceUrl: string;
  transcript: string;
  /** Why the transcript is missing although the video has sound; the page says so. */
  transcriptMissing?: "quota_exhausted";
  onScreenText: string;
  /** Notion file upload ids of the post's pictures, in post order; the first becomes the cover. */
  pictures?: string[];
  /** The file's name when the person sent the video as a file (then `sourceUrl` is empty). */
  sentAsFile?: string;
  /** The person's local date, YYYY-MM-DD, for a saved/added date property. */
  today: string;
}

/** What the caller records: the page id as soon as it exists, so a retry never makes a second page. */
export interface PublishCheckpoint {
  /** The page a previous attempt already made and recorded. */
  existingPageId?: string;
  /**
   * False when no earlier attempt can have reached this step (so none can have made the page
   * without recording it): the page is created without first looking for it, one Notion call
   * fewer. Anything else looks first.
   */
  mayExist?: boolean;
  /** Called right after the page exists (created now, or found from a crashed attempt). */
  onPageCreated(pageId: string, url: string): Promise<void>;
}

/** Attempts at the create step when Notion's answer leaves it unknown whether the page was made. */
const CREATE_ATTEMPTS = 3;
/** Attempts at finishing the body when an append's outcome is unknown. */
const BODY_ATTEMPTS = 3;
/** Recent pages with the same link or title that are checked for this job's marker. */
const CANDIDATES_CHECKED = 10;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits before another attempt, or gives the error back when Notion asked for a longer pause
 * than is worth holding a worker for (the job is rescheduled; the marker keeps it to one page).
 */
async function waitBeforeRetry(error: TransientError, attempt: number): Promise<void> {
  if ((error.retryAfterMs ?? 0) > NOTION_MAX_INLINE_WAIT_MS) throw error;
  await sleep(error.retryAfterMs ?? 500 * attempt);
}

function plainTitle(value: PagePropertyValue | undefined): string {
  const pieces = value && "title" in value ? value.title : [];
  return pieces.map((p) => ("text" in p ? p.text.content : "")).join("");
}

/**
 * A page an earlier attempt made for this job: pages with the same source link (or, without a
 * link property, the same title), newest first, whose first block is this job's marker.
 */
async function findPageOfJob(api: NotionApi, token: string, plan: PagePlan, values: PagePropertyValues): Promise<NotionPageRef | undefined> {
  const sourceName = findSourceUrlProperty(plan.properties);
  const titleName = findTitleProperty(plan.properties);
  let filter: DataSourceQuery["filter"];
  if (sourceName && values[sourceName]) filter = { property: sourceName, url: { equals: plan.sourceUrl } };
  else if (titleName) filter = { property: titleName, title: { equals: plainTitle(values[titleName]) } };
  else return undefined;
  const candidates = await api.queryDataSource(token, plan.dataSourceId, {
    filter,
    sorts: [{ timestamp: "created_time", direction: "descending" }],
    pageSize: CANDIDATES_CHECKED,
  });
  for (const page of candidates.results) {
    if (page.inTrash) continue;
    const first = await api.listBlockChildren(token, page.id, { pageSize: 1 });
    if (first.results[0] && isJobMarker(first.results[0], plan.jobId)) return page;
  }
  return undefined;
}

async function listAll(api: NotionApi, token: string, blockId: string): Promise<NotionBlockRef[]> {
  const all: NotionBlockRef[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.listBlockChildren(token, blockId, { cursor, pageSize: 100 });
    all.push(...page.results);
    cursor = page.hasMore && page.nextCursor ? page.nextCursor : undefined;
  } while (cursor);
  return all;
}

/** Reads how much of the body an interrupted attempt wrote (we only ever append, so it is a prefix). */
async function readProgress(api: NotionApi, token: string, pageId: string, body: BodyBlock[], ids: string[]): Promise<BodyProgress> {
  const present = await listAll(api, token, pageId);
  present.forEach((block, i) => (ids[i] = block.id));
  const top = Math.min(present.length, body.length);
  const last = present[top - 1];
  const lastChildren = last && body[top - 1]!.children.length > 0 && last.hasChildren ? (await listAll(api, token, last.id)).length : 0;
  return { top, lastChildren };
}

/** Appends whatever of `body` is not on the page yet, in order. */
async function writeRest(api: NotionApi, token: string, pageId: string, body: BodyBlock[], start: BodyProgress, ids: string[]): Promise<void> {
  let progress = { ...start };
  for (;;) {
    const open = body[progress.top - 1];
    while (open && open.children.length > progress.lastChildren) {
      if (!ids[progress.top - 1]) (await listAll(api, token, pageId)).forEach((block, i) => (ids[i] = block.id));
      const batch = childBatch(open.children, progress.lastChildren);
      await api.appendBlockChildren(token, ids[progress.top - 1]!, batch);
      progress.lastChildren += batch.length;
    }
    if (progress.top >= body.length) return;
    const next = topLevelBatch(body, progress.top);
    const created = await api.appendBlockChildren(token, pageId, next.blocks);
    created.forEach((block, k) => (ids[progress.top + k] = block.id));
    progress = next.progress;
  }
}

/** Finishes the body; when an append's outcome is unknown, re-reads the page and carries on from what is there. */
async function completeBody(api: NotionApi, token: string, pageId: string, body: BodyBlock[], known: BodyProgress | undefined): Promise<void> {
  const ids: string[] = [];
  let progress = known;
  for (let attempt = 1; ; attempt += 1) {
    try {
      progress ??= await readProgress(api, token, pageId, body, ids);
      await writeRest(api, token, pageId, body, progress, ids);
      return;
    } catch (error) {
      if (!isTransient(error) || attempt >= BODY_ATTEMPTS) throw error;
      progress = undefined;
      await waitBeforeRetry(error, attempt);
    }
  }
}

/** Creates the page with the first batch of its body; if Notion's answer is lost, looks for the page before trying again. */
async function createPageOnce(
  api: NotionApi,
  token: string,
  plan: PagePlan,
  values: PagePropertyValues,
  body: BodyBlock[],
  checkpoint: PublishCheckpoint,
): Promise<{ page: NotionPageRef; progress?: BodyProgress }> {
  const budget = Math.max(50_000, 450_000 - Buffer.byteLength(JSON.stringify(values)));
  const first = topLevelBatch(body, 0, budget);
  const coverFileUploadId = plan.pictures?.[0];
  for (let attempt = 1; ; attempt += 1) {
    try {
      const page = await api.createPage(token, { dataSourceId: plan.dataSourceId, properties: values, children: first.blocks, coverFileUploadId });
      await checkpoint.onPageCreated(page.id, page.url);
      return { page, progress: first.progress };
    } catch (error) {
      if (!isTransient(error) || attempt >= CREATE_ATTEMPTS) throw error;
      await waitBeforeRetry(error, attempt);
      const made = await findPageOfJob(api, token, plan, values);
      if (made) {
        await checkpoint.onPageCreated(made.id, made.url);
        return { page: made };
      }
    }
  }
}

/**
 * Writes the video's page into the data source, exactly once per job: a recorded page is
 * resumed; otherwise a page an earlier, crashed attempt made is found by its source link and
 * job marker; otherwise a new page is created and reported through `onPageCreated` at once.
 * The body then gets whatever is still missing, in order.
 */
export async function publishPage(
  api: NotionApi,
  accessToken: string,
  plan: PagePlan,
  checkpoint: PublishCheckpoint,
): Promise<{ pageId: string; url: string }> {
  const values = buildPageProperties(plan.properties, plan.summary, { sourceUrl: plan.sourceUrl, today: plan.today });
  const body = buildPageBody({
    jobId: plan.jobId,
    summary: plan.summary.summary,
    keyPoints: plan.summary.keyPoints,
    onScreenText: plan.onScreenText,
    transcript: plan.transcript,
    transcriptMissing: plan.transcriptMissing,
    summaryMissing: plan.summary.missing,
    sourceUrl: plan.sourceUrl,
    pictures: plan.pictures,
    sentAsFile: plan.sentAsFile,
  });
  let page: NotionPageRef;
  let progress: BodyProgress | undefined;
  if (checkpoint.existingPageId) {
    page = await api.retrievePage(accessToken, checkpoint.existingPageId);
  } else {
    const found = checkpoint.mayExist === false ? undefined : await findPageOfJob(api, accessToken, plan, values);
    if (found) {
      page = found;
      await checkpoint.onPageCreated(page.id, page.url);
    } else {
      ({ page, progress } = await createPageOnce(api, accessToken, plan, values, body, checkpoint));
    }
  }
  // A page the person already moved to the trash is left alone.
  if (!page.inTrash) await completeBody(api, accessToken, page.id, body, progress);
  return { pageId: page.id, url: page.url };
}

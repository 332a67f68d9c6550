import type { BlockRequest, NotionBlockRef } from "./client.ts";
import { MAX_TEXT_LENGTH, richText, richTextArrays } from "./rich-text.ts";

/**
 * The body of a video's page and how it is cut into requests Notion accepts: at most 100
 * children per request, one level of nesting (the transcript toggle), each request well
 * under Notion's 500 KB.
 */

/** A top-level block and the children it should end up with (only the transcript toggle has any). */
export interface BodyBlock {
  block: BlockRequest;
  children: BlockRequest[];
}

/** Children Notion accepts in one request (create page or append). */
export const MAX_CHILDREN_PER_REQUEST = 100;
/** Our ceiling per request; Notion's is 500 KB, this leaves room for the envelope. */
export const REQUEST_BYTE_BUDGET = 450_000;
/**
 * Text pieces per paragraph of long text: 20 x 2000 characters stays under 200 KB even for
 * 4-byte characters, so one paragraph always fits a request.
 */
const PIECES_PER_PARAGRAPH = 20;

/** What the page body is made from. */
export interface PageContent {
  jobId: string;
  summary: string;
  keyPoints: string[];
  onScreenText: string;
  transcript: string;
  /** Why there is no transcript although the video has sound. */
  transcriptMissing?: "quota_exhausted";
  sourceUrl: string;
  /** Notion file upload ids of the post's pictures, in post order. */
  pictures?: string[];
  /** The file's name when the video was sent to the bot as a file. */
  sentAsFile?: string;
}

/** What the page says in place of a transcript that could not be made. */
const TRANSCRIPT_MISSING: Record<NonNullable<PageContent["transcriptMissing"]>, string> = {
  quota_exhausted: "No transcript: the transcription service's account has no credit left. The bot's owner has been told.",
};

/**
 * The first line of every page we make. It ties the page to its job so a retry after a
 * crash finds the page instead of making a second one.
 */
export function jobMarkerText(jobId: string): string {
  return `Saved by reelnotes · job ${jobId}`;
}

/** True when `block` is the marker of `jobId`'s page. */
export function isJobMarker(block: NotionBlockRef, jobId: string): boolean {
  return block.type === "paragraph" && block.plainText === jobMarkerText(jobId);
}

function textBlock(type: string, text: ReturnType<typeof richText>, extra: Record<string, unknown> = {}): BlockRequest {
  return { object: "block", type, [type]: { rich_text: text, ...extra } };
}

function paragraphs(text: string): BlockRequest[] {
  return richTextArrays(text, PIECES_PER_PARAGRAPH).map((pieces) => textBlock("paragraph", pieces));
}

function leaf(block: BlockRequest): BodyBlock {
  return { block, children: [] };
}

function isBookmarkable(url: string): boolean {
  try {
    return url.length <= MAX_TEXT_LENGTH && ["http:", "https:"].includes(new URL(url).protocol);
  } catch {
    return false;
  }
}

function imageBlock(fileUploadId: string): BlockRequest {
  return { object: "block", type: "image", image: { type: "file_upload", file_upload: { id: fileUploadId } } };
}

/** The page body in order: marker, summary, key points, pictures, on-screen text, transcript toggle, source bookmark. */
export function buildPageBody(content: PageContent): BodyBlock[] {
  const body: BodyBlock[] = [leaf(textBlock("paragraph", richText(jobMarkerText(content.jobId), { italic: true, color: "gray" })))];
  body.push(...paragraphs(content.summary.trim()).map(leaf));
  const points = content.keyPoints.map((p) => p.trim()).filter(Boolean);
  if (points.length > 0) {
    body.push(leaf(textBlock("heading_3", richText("Key points"))));
    body.push(...points.map((p) => leaf(textBlock("bulleted_list_item", richText(p)))));
  }
  body.push(...(content.pictures ?? []).map((id) => leaf(imageBlock(id))));
  if (content.onScreenText.trim()) {
    body.push(leaf(textBlock("heading_3", richText("On-screen text"))));
    body.push(...paragraphs(content.onScreenText.trim()).map(leaf));
  }
  if (content.transcript.trim()) {
    body.push({ block: textBlock("toggle", richText("Transcript")), children: paragraphs(content.transcript) });
  } else if (content.transcriptMissing) {
    body.push(leaf(textBlock("callout", richText(TRANSCRIPT_MISSING[content.transcriptMissing]), { icon: { type: "emoji", emoji: "⚠️" } })));
  }
  if (content.sentAsFile !== undefined) {
    body.push(leaf(textBlock("paragraph", richText(`Sent to reelnotes as a file: ${content.sentAsFile}`, { italic: true, color: "gray" }))));
  }
  if (isBookmarkable(content.sourceUrl)) {
    body.push(leaf({ object: "block", type: "bookmark", bookmark: { url: content.sourceUrl, caption: [] } }));
  }
  return body;
}

/** Where writing the body stands: top-level blocks present, and children present under the last of them. */
export interface BodyProgress {
  top: number;
  lastChildren: number;
}

function bytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value));
}

/** Children of `parent` from `from` that fit one request. */
export function childBatch(children: BlockRequest[], from: number, budget = REQUEST_BYTE_BUDGET): BlockRequest[] {
  const batch: BlockRequest[] = [];
  let used = 0;
  for (let i = from; i < children.length && batch.length < MAX_CHILDREN_PER_REQUEST; i += 1) {
    const size = bytes(children[i]) + 1;
    if (batch.length > 0 && used + size > budget) break;
    batch.push(children[i]!);
    used += size;
  }
  return batch;
}

/**
 * The next top-level blocks from `from` for one request, nested children included while they
 * fit. Returns the blocks and the progress once they are written.
 */
export function topLevelBatch(body: BodyBlock[], from: number, budget = REQUEST_BYTE_BUDGET): { blocks: BlockRequest[]; progress: BodyProgress } {
  const blocks: BlockRequest[] = [];
  let used = 0;
  let progress: BodyProgress = { top: from, lastChildren: 0 };
  for (let i = from; i < body.length && blocks.length < MAX_CHILDREN_PER_REQUEST; i += 1) {
    const { block, children } = body[i]!;
    const own = bytes(block) + 1 + (children.length > 0 ? bytes(children[0]) + 1 : 0);
    if (blocks.length > 0 && used + own > budget) break;
    const nested = children.length > 0 ? childBatch(children, 0, budget - used - bytes(block)) : [];
    const kind = block.type;
    const withChildren = nested.length > 0 ? { ...block, [kind]: { ...(block[kind] as object), children: nested } } : block;
    blocks.push(withChildren);
    used += bytes(withChildren) + 1;
    progress = { top: i + 1, lastChildren: nested.length };
    if (nested.length < children.length) break;
  }
  return { blocks, progress };
}

import type { SummaryMissing } from "../summary.ts";
import type { BlockRequest, NotionBlockRef } from "./client.ts";
import { MAX_TEXT_LENGTH, richText, richTextArrays, type RichTextRequest } from "./rich-text.ts";

/**
 * The body of a video's page and how it is cut into requests Notion accepts: at most 100
 * children per request, one level of nesting (the transcript toggle), each request well
 * under Notion's 500 KB.
 */

/**
 * A paragraph without children: a request shape that fits both at the top of a page and under
 * the transcript toggle (the SDK's types for the two levels are not assignable to each other).
 */
export interface ParagraphRequest {
  object: "block";
  type: "paragraph";
  paragraph: { rich_text: RichTextRequest[] };
}

/** A top-level block and the children it should end up with (only the transcript toggle has any). */
export interface BodyBlock {
  block: BlockRequest;
  children: ParagraphRequest[];
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
  /** Why the model wrote no summary: the page says so where the summary would be. */
  summaryMissing?: SummaryMissing;
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

/** What the page says in place of a summary the model did not write. */
const SUMMARY_MISSING: Record<SummaryMissing, string> = {
  blocked: "No summary: Gemini declined to summarise this video because of what it shows or says. The caption, on-screen text and transcript are below.",
  recitation: "No summary: Gemini declined because the summary would repeat protected text. The caption, on-screen text and transcript are below.",
  unusable: "No summary: Gemini gave no usable answer for this video. The caption, on-screen text and transcript are below.",
  unavailable: "No summary: Gemini could not be reached after several tries. The caption, on-screen text and transcript are below.",
  not_configured: "No summary: this bot has no Gemini key set up, so pages are made without one. The caption, on-screen text and transcript are below.",
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

function paragraph(text: RichTextRequest[]): ParagraphRequest {
  return { object: "block", type: "paragraph", paragraph: { rich_text: text } };
}

function heading(text: string): BlockRequest {
  return { object: "block", type: "heading_3", heading_3: { rich_text: richText(text) } };
}

function bullet(text: string): BlockRequest {
  return { object: "block", type: "bulleted_list_item", bulleted_list_item: { rich_text: richText(text) } };
}

function paragraphs(text: string): ParagraphRequest[] {
  return richTextArrays(text, PIECES_PER_PARAGRAPH).map(paragraph);
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
  const body: BodyBlock[] = [leaf(paragraph(richText(jobMarkerText(content.jobId), { italic: true, color: "gray" })))];
  if (content.summaryMissing) {
    const note = richText(SUMMARY_MISSING[content.summaryMissing]);
    body.push(leaf({ object: "block", type: "callout", callout: { rich_text: note, icon: { type: "emoji", emoji: "⚠️" } } }));
  }
  body.push(...paragraphs(content.summary.trim()).map(leaf));
  const points = content.keyPoints.map((p) => p.trim()).filter(Boolean);
  if (points.length > 0) {
    body.push(leaf(heading("Key points")));
    body.push(...points.map((p) => leaf(bullet(p))));
  }
  body.push(...(content.pictures ?? []).map((id) => leaf(imageBlock(id))));
  if (content.onScreenText.trim()) {
    body.push(leaf(heading("On-screen text")));
    body.push(...paragraphs(content.onScreenText.trim()).map(leaf));
  }
  if (content.transcript.trim()) {
    body.push({ block: { object: "block", type: "toggle", toggle: { rich_text: richText("Transcript") } }, children: paragraphs(content.transcript) });
  } else if (content.transcriptMissing) {
    const warning = richText(TRANSCRIPT_MISSING[content.transcriptMissing]);
    body.push(leaf({ object: "block", type: "callout", callout: { rich_text: warning, icon: { type: "emoji", emoji: "⚠️" } } }));
  }
  if (content.sentAsFile !== undefined) {
    body.push(leaf(paragraph(richText(`Sent to reelnotes as a file: ${content.sentAsFile}`, { italic: true, color: "gray" }))));
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
export function childBatch(children: ParagraphRequest[], from: number, budget = REQUEST_BYTE_BUDGET): ParagraphRequest[] {
  const batch: ParagraphRequest[] = [];
  let used = 0;
  for (let i = from; i < children.length && batch.length < MAX_CHILDREN_PER_REQUEST; i += 1) {
    const size = bytes(children[i]) + 1;
    if (batch.length > 0 && used + size > budget) break;
    batch.push(children[i]!);
    used += size;
  }
  return batch;
}

/** `block` carrying `children` in the request; only the transcript toggle has any. */
function nest(block: BlockRequest, children: ParagraphRequest[]): BlockRequest {
  if (children.length === 0) return block;
  if (!("toggle" in block)) throw new Error(`children under a ${block.type ?? "untyped"} block: only the transcript toggle has any`);
  return { ...block, toggle: { ...block.toggle, children } };
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
    const withChildren = nest(block, nested);
    blocks.push(withChildren);
    used += bytes(withChildren) + 1;
    progress = { top: i + 1, lastChildren: nested.length };
    if (nested.length < children.length) break;
  }
  return { blocks, progress };
}

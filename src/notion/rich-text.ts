import type { BlockObjectRequest } from "@notionhq/client";

/**
 * Notion's text limits: one text object holds at most 2000 characters and one rich text
 * array at most 100 objects. Everything we write goes through these two functions.
 */

/** Characters in one text object (`text.content`). */
export const MAX_TEXT_LENGTH = 2000;
/** Text objects in one rich text array. */
export const MAX_RICH_TEXT_PIECES = 100;

/** One rich text item in the SDK's request shape (text, mention or equation). */
type RichTextItemRequest = Extract<BlockObjectRequest, { paragraph: unknown }>["paragraph"]["rich_text"][number];

/** One plain text item in the SDK's request shape: everything we write is of this kind. */
export type RichTextRequest = Extract<RichTextItemRequest, { text: unknown }>;

/**
 * Cuts `text` into pieces of at most `max` UTF-16 units (the unit Notion counts),
 * never between the two halves of a surrogate pair, so emoji and rare CJK survive.
 */
export function splitText(text: string, max = MAX_TEXT_LENGTH): string[] {
  const pieces: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(start + max, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces;
}

/** A rich text array for `text`; text beyond 100 pieces of 2000 characters is dropped. */
export function richText(text: string, annotations?: RichTextRequest["annotations"]): RichTextRequest[] {
  return splitText(text)
    .slice(0, MAX_RICH_TEXT_PIECES)
    .map((content): RichTextRequest => ({ type: "text", text: { content }, ...(annotations ? { annotations } : {}) }));
}

/** Groups `text` into rich text arrays of at most `piecesPerArray` pieces each, keeping all of it in order. */
export function richTextArrays(text: string, piecesPerArray = MAX_RICH_TEXT_PIECES): RichTextRequest[][] {
  const pieces = splitText(text);
  const arrays: RichTextRequest[][] = [];
  for (let i = 0; i < pieces.length; i += piecesPerArray) {
    arrays.push(pieces.slice(i, i + piecesPerArray).map((content): RichTextRequest => ({ type: "text", text: { content } })));
  }
  return arrays;
}

import { invalid, validationError } from "./errors.ts";
import type { PropertyConfig } from "./workspace.ts";

/**
 * Request checks the real API makes, with its limits: text pieces of at most 2000 characters,
 * at most 100 per array, URLs at most 2000, emails and phone numbers at most 200, at most 100
 * multi-select options, 100 children per request, two levels of nesting, 1000 block elements.
 */

export const LIMITS = {
  textLength: 2000,
  richTextItems: 100,
  urlLength: 2000,
  emailLength: 200,
  phoneLength: 200,
  multiSelect: 100,
  childrenPerRequest: 100,
  nestingLevels: 2,
  blockElements: 1000,
  requestBytes: 500_000,
} as const;

/** Kinds nobody can write through the API. */
export const READ_ONLY_KINDS = new Set([
  "formula",
  "rollup",
  "created_time",
  "created_by",
  "last_edited_time",
  "last_edited_by",
  "unique_id",
  "button",
  "verification",
]);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function checkUrl(value: unknown, path: string, max: number = LIMITS.urlLength): void {
  if (typeof value !== "string") throw invalid(path, "a string", value);
  if (value.length > max) throw invalid(`${path}.length`, `≤ \`${max}\``, value.length);
}

/** Checks a rich text array (request shape). */
export function checkRichText(value: unknown, path: string): void {
  if (!Array.isArray(value)) throw invalid(path, "an array", value);
  if (value.length > LIMITS.richTextItems) throw invalid(`${path}.length`, `≤ \`${LIMITS.richTextItems}\``, value.length);
  value.forEach((item, i) => {
    const at = `${path}[${i}]`;
    if (!isObject(item)) throw invalid(at, "an object", item);
    if (item.type !== undefined && !["text", "mention", "equation"].includes(item.type as string)) {
      throw invalid(`${at}.type`, '`"text"`, `"mention"` or `"equation"`', item.type);
    }
    if (isObject(item.text)) {
      const content = item.text.content;
      if (typeof content !== "string") throw invalid(`${at}.text.content`, "a string", content);
      if (content.length > LIMITS.textLength) throw invalid(`${at}.text.content.length`, `≤ \`${LIMITS.textLength}\``, content.length);
      const link = item.text.link;
      if (link !== undefined && link !== null) {
        if (!isObject(link)) throw invalid(`${at}.text.link`, "an object or `null`", link);
        checkUrl(link.url, `${at}.text.link.url`);
      }
    } else if (!isObject(item.mention) && !isObject(item.equation)) {
      throw invalid(`${at}.text`, "defined", undefined);
    }
  });
}

function optionNamed(config: PropertyConfig, value: unknown, path: string): void {
  if (value === null) return;
  if (!isObject(value)) throw invalid(path, "an object or `null`", value);
  const options = ((config[config.type] as { options?: { id?: string; name: string }[] } | undefined)?.options ?? []);
  const found = options.some((o) => (value.id !== undefined && o.id === value.id) || (value.name !== undefined && o.name === value.name));
  if (value.id === undefined && typeof value.name !== "string") throw invalid(`${path}.name`, "a string", value.name);
  if (!found) {
    const label = config.type === "status" ? "status" : "select";
    throw validationError(`Invalid ${label} option "${String(value.name ?? value.id)}" for property "${config.name}": the option does not exist.`);
  }
}

/** Checks one property value of a page request against its data source property. */
export function checkPropertyValue(config: PropertyConfig, value: unknown, path: string): void {
  if (READ_ONLY_KINDS.has(config.type)) {
    throw validationError(`${config.name} is a ${config.type} property and cannot be set through the API.`);
  }
  if (!isObject(value)) throw invalid(path, "an object", value);
  if (value.type !== undefined && value.type !== config.type) throw invalid(`${path}.type`, `\`"${config.type}"\``, value.type);
  if (!(config.type in value)) throw invalid(`${path}.${config.type}`, "defined", undefined);
  const inner = value[config.type];
  const at = `${path}.${config.type}`;
  switch (config.type) {
    case "title":
    case "rich_text":
      return checkRichText(inner, at);
    case "number":
      if (inner !== null && (typeof inner !== "number" || !Number.isFinite(inner))) throw invalid(at, "a number or `null`", inner);
      return;
    case "checkbox":
      if (typeof inner !== "boolean") throw invalid(at, "a boolean", inner);
      return;
    case "select":
    case "status":
      return optionNamed(config, inner, at);
    case "multi_select":
      if (!Array.isArray(inner)) throw invalid(at, "an array", inner);
      if (inner.length > LIMITS.multiSelect) throw invalid(`${at}.length`, `≤ \`${LIMITS.multiSelect}\``, inner.length);
      inner.forEach((option, i) => optionNamed(config, option, `${at}[${i}]`));
      return;
    case "date":
      if (inner === null) return;
      if (!isObject(inner)) throw invalid(at, "an object or `null`", inner);
      if (typeof inner.start !== "string" || Number.isNaN(Date.parse(inner.start))) throw invalid(`${at}.start`, "a valid ISO 8601 date string", inner.start);
      if (inner.end !== undefined && inner.end !== null && (typeof inner.end !== "string" || Number.isNaN(Date.parse(inner.end)))) {
        throw invalid(`${at}.end`, "a valid ISO 8601 date string or `null`", inner.end);
      }
      return;
    case "url":
      if (inner !== null) checkUrl(inner, at);
      return;
    case "email":
      if (inner !== null) checkUrl(inner, at, LIMITS.emailLength);
      return;
    case "phone_number":
      if (inner !== null) checkUrl(inner, at, LIMITS.phoneLength);
      return;
    case "people":
    case "relation":
    case "files":
      if (!Array.isArray(inner)) throw invalid(at, "an array", inner);
      return;
    default:
      throw validationError(`Property "${config.name}" of type ${config.type} is not supported by the emulator.`);
  }
}

const TEXT_BLOCKS = new Set(["paragraph", "heading_1", "heading_2", "heading_3", "bulleted_list_item", "numbered_list_item", "toggle", "quote", "callout", "to_do"]);
const PARENT_BLOCKS = new Set(["paragraph", "bulleted_list_item", "numbered_list_item", "toggle", "quote", "callout", "to_do"]);
const OTHER_BLOCKS = new Set(["bookmark", "divider", "code", "image", "video", "embed"]);

/** The type of a request block: its `type`, or its one type key. */
function blockType(block: Record<string, unknown>, path: string): string {
  const type = typeof block.type === "string" ? block.type : Object.keys(block).find((k) => TEXT_BLOCKS.has(k) || OTHER_BLOCKS.has(k));
  if (!type || !(TEXT_BLOCKS.has(type) || OTHER_BLOCKS.has(type))) throw invalid(`${path}.type`, "a supported block type", block.type);
  if (!isObject(block[type])) throw invalid(`${path}.${type}`, "defined", block[type]);
  return type;
}

/** A validated request block with its children pulled out. */
export interface BlockInput {
  type: string;
  content: Record<string, unknown>;
  children: BlockInput[];
}

/**
 * Checks a `children` array of a request (depth 0 = the request's own children) and returns
 * the blocks; `count.elements` collects block elements across the request.
 */
export function checkChildren(value: unknown, path: string, depth = 0, count = { elements: 0 }): BlockInput[] {
  if (!Array.isArray(value)) throw invalid(path, "an array", value);
  if (value.length > LIMITS.childrenPerRequest) throw invalid(`${path}.length`, `≤ \`${LIMITS.childrenPerRequest}\``, value.length);
  return value.map((raw, i) => {
    const at = `${path}[${i}]`;
    if (!isObject(raw)) throw invalid(at, "an object", raw);
    count.elements += 1;
    if (count.elements > LIMITS.blockElements) throw validationError(`Request has more than ${LIMITS.blockElements} block elements.`);
    const type = blockType(raw, at);
    const { children: nested, ...content } = raw[type] as Record<string, unknown>;
    if (TEXT_BLOCKS.has(type)) checkRichText(content.rich_text, `${at}.${type}.rich_text`);
    if (type === "bookmark" || type === "embed") checkUrl(content.url, `${at}.${type}.url`);
    if (type === "bookmark" && content.caption !== undefined) checkRichText(content.caption, `${at}.${type}.caption`);
    if (type === "image" || type === "video") checkMediaSource(content, `${at}.${type}`);
    let children: BlockInput[] = [];
    if (nested !== undefined) {
      if (!PARENT_BLOCKS.has(type) || depth >= LIMITS.nestingLevels) throw invalid(`${at}.${type}.children`, "not present", nested);
      children = checkChildren(nested, `${at}.${type}.children`, depth + 1, count);
    }
    return { type, content, children };
  });
}

/** A media block's file: an external URL or a file upload (attached, and so checked, by the caller). */
function checkMediaSource(content: Record<string, unknown>, path: string): void {
  if (content.type === "file_upload" || (content.type === undefined && isObject(content.file_upload))) {
    if (!isObject(content.file_upload) || typeof content.file_upload.id !== "string") throw invalid(`${path}.file_upload.id`, "a string", undefined);
    return;
  }
  checkUrl((content.external as { url?: unknown } | undefined)?.url, `${path}.external.url`);
}

/** Checks a page's `cover` or `icon` (external files, file uploads, and emoji). */
export function checkFileLike(value: unknown, path: string, allowEmoji: boolean): void {
  if (value === null || value === undefined) return;
  if (!isObject(value)) throw invalid(path, "an object", value);
  if (allowEmoji && typeof value.emoji === "string") return;
  if (value.type === "file_upload") {
    if (!isObject(value.file_upload) || typeof value.file_upload.id !== "string") throw invalid(`${path}.file_upload.id`, "a string", undefined);
    return;
  }
  if (!isObject(value.external)) throw invalid(`${path}.external`, "defined", value.external);
  checkUrl(value.external.url, `${path}.external.url`);
  try {
    new URL(value.external.url as string);
  } catch {
    throw validationError(`Invalid URL for ${path}.external.url.`);
  }
}

import { z } from "zod";
import type { Summary, SummarySchema } from "../summary.ts";
import type { PagePropertyValue, PagePropertyValues } from "./client.ts";
import { richText } from "./rich-text.ts";

/**
 * Pure mapping between a Notion data source's properties and the summariser:
 * which properties the model fills (and how they are described to it), and how its
 * answer becomes page property values Notion accepts.
 */

/** One option of a select, multi-select or status property. */
export interface NotionSelectOption {
  id?: string;
  name: string;
  color?: string;
  description?: string | null;
}

/** One property of a data source, as the API returns it (extra per-kind fields kept). */
export interface NotionPropertyConfig {
  id: string;
  name: string;
  type: string;
  description?: string | null;
  select?: { options: NotionSelectOption[] };
  multi_select?: { options: NotionSelectOption[] };
  status?: { options: NotionSelectOption[] };
  [field: string]: unknown;
}

/** A data source's properties keyed by name, as the API returns them. */
export type NotionProperties = Record<string, NotionPropertyConfig>;

const optionList = z.object({ options: z.array(z.object({ name: z.string() }).loose()) }).loose();

/** One property's configuration, checked where it comes in (the API's answer, a stored schema row). */
export const propertyConfigSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    type: z.string(),
    description: z.string().nullish(),
    select: optionList.optional(),
    multi_select: optionList.optional(),
    status: optionList.optional(),
  })
  .loose();

/** A stored data source's properties (JSON from the database) as typed properties; throws when they are not. */
export function parseNotionProperties(json: unknown): NotionProperties {
  return z.record(z.string(), propertyConfigSchema).parse(json);
}

/** Kinds we may write; everything else (formula, rollup, relation, people, files, times, ids, buttons, unknown) is read-only to us. */
const WRITABLE_KINDS = new Set([
  "title",
  "rich_text",
  "number",
  "select",
  "status",
  "multi_select",
  "checkbox",
  "date",
  "url",
  "email",
  "phone_number",
]);

/** URL properties whose name says "this is where the thing came from", strongest first. */
const SOURCE_NAME_HINTS = [/source|origin|original|出典|ソース|来源|출처|источник|quelle|fuente/i, /video|reel|tiktok|instagram|動画|视频|видео/i, /link|リンク|链接|링크|ссылк|enlace|lien/i, /url/i];
const SAVED_NAME_HINTS = /saved|added|captured|clipped|imported|collected|保存|追加|登録|收藏|添加|저장|добавлен|сохран|guardad|ajout/i;

/** The kind of a property we may write, or undefined for read-only and unknown kinds. */
export function writableKind(config: NotionPropertyConfig): string | undefined {
  return WRITABLE_KINDS.has(config.type) ? config.type : undefined;
}

/** The url property that receives the video link: the only one, or the one whose name suggests a source. */
export function findSourceUrlProperty(properties: NotionProperties): string | undefined {
  const urls = Object.keys(properties).filter((name) => properties[name]!.type === "url");
  if (urls.length <= 1) return urls[0];
  for (const hint of SOURCE_NAME_HINTS) {
    const match = urls.find((name) => hint.test(name));
    if (match) return match;
  }
  return undefined;
}

/** The date property that receives today's date, when its name suggests "saved" or "added". */
export function findSavedDateProperty(properties: NotionProperties): string | undefined {
  return Object.keys(properties).find((name) => properties[name]!.type === "date" && SAVED_NAME_HINTS.test(name));
}

/** The title property's name (every data source has exactly one). */
export function findTitleProperty(properties: NotionProperties): string | undefined {
  return Object.keys(properties).find((name) => properties[name]!.type === "title");
}

/** Names of the properties the model fills, in the data source's order. */
export function modelFilledProperties(properties: NotionProperties): string[] {
  const ours = new Set([findSourceUrlProperty(properties), findSavedDateProperty(properties)]);
  return Object.keys(properties).filter((name) => writableKind(properties[name]!) && !ours.has(name));
}

function optionsOf(config: NotionPropertyConfig): string[] {
  const { type } = config;
  const holder = type === "select" || type === "multi_select" || type === "status" ? config[type] : undefined;
  return (holder?.options ?? []).map((o) => o.name);
}

function describe(config: NotionPropertyConfig, what: string): string {
  return config.description ? `${what} ${config.description}` : what;
}

function propertySchema(config: NotionPropertyConfig): SummarySchema {
  switch (config.type) {
    case "select":
    case "status": {
      const options = optionsOf(config);
      return options.length > 0
        ? { type: "STRING", enum: options, nullable: true, description: describe(config, "Pick exactly one of the options.") }
        : { type: "STRING", nullable: true, description: describe(config, "A short category name.") };
    }
    case "multi_select": {
      const options = optionsOf(config);
      return {
        type: "ARRAY",
        items: options.length > 0 ? { type: "STRING", enum: options } : { type: "STRING" },
        maxItems: 100,
        nullable: true,
        description: describe(config, "Pick every option that applies."),
      };
    }
    case "number":
      return { type: "NUMBER", nullable: true, description: describe(config, "A number.") };
    case "checkbox":
      return { type: "BOOLEAN", nullable: true, description: describe(config, "True or false.") };
    case "date":
      return { type: "STRING", format: "date-time", nullable: true, description: describe(config, "An ISO 8601 date (YYYY-MM-DD) or date-time.") };
    case "url":
      return { type: "STRING", nullable: true, description: describe(config, "An http(s) URL mentioned in the video.") };
    case "email":
      return { type: "STRING", nullable: true, description: describe(config, "An email address.") };
    case "phone_number":
      return { type: "STRING", nullable: true, description: describe(config, "A phone number.") };
    case "title":
      return { type: "STRING", nullable: true, description: describe(config, "The page title; short and specific.") };
    default:
      return { type: "STRING", nullable: true, description: describe(config, "Text.") };
  }
}

function guideLine(name: string, config: NotionPropertyConfig): string {
  const options = optionsOf(config);
  const kind = config.type.replace("_", " ");
  const choice = options.length > 0 ? `; options: ${options.map((o) => JSON.stringify(o)).join(", ")}` : "";
  const description = config.description ? ` — ${config.description}` : "";
  return `- ${JSON.stringify(name)} (${kind}${choice})${description}`;
}

/**
 * The response schema the summariser fills for this data source, and a plain description of
 * each property for the prompt. The source link and a saved/added date are left out: we fill them.
 */
export function buildSummarySchema(properties: NotionProperties): { schema: SummarySchema; propertyGuide: string } {
  const names = modelFilledProperties(properties);
  const fields: Record<string, SummarySchema> = {};
  for (const name of names) fields[name] = propertySchema(properties[name]!);
  const schema: SummarySchema = {
    type: "OBJECT",
    properties: {
      title: { type: "STRING", description: "A short, specific title for the video." },
      summary: { type: "STRING", description: "Two to four sentences on what the video shows and says." },
      keyPoints: { type: "ARRAY", items: { type: "STRING" }, maxItems: 12, description: "The main points, one sentence each." },
      properties: {
        type: "OBJECT",
        properties: fields,
        propertyOrdering: names,
        description: "Values for the Notion database's properties; use null when the video does not say.",
      },
    },
    required: ["title", "summary", "keyPoints", "properties"],
    propertyOrdering: ["title", "summary", "keyPoints", "properties"],
  };
  const propertyGuide = names.map((name) => guideLine(name, properties[name]!)).join("\n");
  return { schema, propertyGuide };
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/;
const MAX_URL_LENGTH = 2000;
const MAX_EMAIL_LENGTH = 200;
const MAX_PHONE_LENGTH = 200;
const MAX_MULTI_SELECT = 100;

function text(value: unknown): string | undefined {
  if (typeof value === "string") return value.trim() === "" ? undefined : value.trim();
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}

function matchOption(config: NotionPropertyConfig, value: unknown): string | undefined {
  const wanted = text(value);
  if (!wanted) return undefined;
  const options = optionsOf(config);
  return options.find((o) => o === wanted) ?? options.find((o) => o.toLowerCase() === wanted.toLowerCase());
}

function isHttpUrl(value: string): boolean {
  if (value.length > MAX_URL_LENGTH) return false;
  try {
    return ["http:", "https:"].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** One property value in the SDK's request shape, or undefined when the model's value cannot be written. */
function propertyValue(config: NotionPropertyConfig, value: unknown): PagePropertyValue | undefined {
  switch (config.type) {
    case "title": {
      const t = text(value);
      return t === undefined ? undefined : { title: richText(t) };
    }
    case "rich_text": {
      const t = text(value);
      return t === undefined ? undefined : { rich_text: richText(t) };
    }
    case "number": {
      const n = typeof value === "string" ? Number(value.trim()) : value;
      return typeof n === "number" && Number.isFinite(n) && !(typeof value === "string" && value.trim() === "") ? { number: n } : undefined;
    }
    case "select": {
      const name = matchOption(config, value);
      return name === undefined ? undefined : { select: { name } };
    }
    case "status": {
      const name = matchOption(config, value);
      return name === undefined ? undefined : { status: { name } };
    }
    case "multi_select": {
      const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
      const names = [...new Set(list.map((v) => matchOption(config, v)).filter((n): n is string => n !== undefined))];
      return names.length === 0 ? undefined : { multi_select: names.slice(0, MAX_MULTI_SELECT).map((name) => ({ name })) };
    }
    case "checkbox": {
      if (typeof value === "boolean") return { checkbox: value };
      if (value === "true" || value === "false") return { checkbox: value === "true" };
      return undefined;
    }
    case "date": {
      const t = text(value);
      return t && ISO_DATE.test(t) && !Number.isNaN(Date.parse(t)) ? { date: { start: t } } : undefined;
    }
    case "url": {
      const t = text(value);
      return t && isHttpUrl(t) ? { url: t } : undefined;
    }
    case "email": {
      const t = text(value);
      return t && t.length <= MAX_EMAIL_LENGTH && /^[^\s@]+@[^\s@]+$/.test(t) ? { email: t } : undefined;
    }
    case "phone_number": {
      const t = text(value);
      // Digits with the usual separators only: a sentence the model put here is no phone number.
      return t && t.length <= MAX_PHONE_LENGTH && /^\+?[\d\s()./-]{4,}$/.test(t) && /\d{3}/.test(t.replace(/\D/g, "")) ? { phone_number: t } : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * Page property values for a new page: what the model filled (only writable kinds, existing
 * options, valid shapes, within Notion's size limits), the source link, the saved date, and
 * `summary.title` as the title when the model left the title property out.
 */
export function buildPageProperties(
  properties: NotionProperties,
  summary: Summary,
  context: { sourceUrl: string; today: string },
): PagePropertyValues {
  const values: PagePropertyValues = {};
  for (const name of modelFilledProperties(properties)) {
    const value = propertyValue(properties[name]!, summary.properties[name]);
    if (value !== undefined) values[name] = value;
  }
  const titleName = findTitleProperty(properties);
  if (titleName && values[titleName] === undefined) {
    values[titleName] = { title: richText(summary.title.trim() || context.sourceUrl) };
  }
  const sourceName = findSourceUrlProperty(properties);
  if (sourceName && isHttpUrl(context.sourceUrl)) values[sourceName] = { url: context.sourceUrl };
  const savedName = findSavedDateProperty(properties);
  if (savedName) values[savedName] = { date: { start: context.today } };
  return values;
}

import { invalid, validationError } from "./errors.ts";
import { plainText, type StoredPage } from "./store.ts";
import type { DataSourceDef, PropertyConfig } from "./workspace.ts";

/**
 * Data source query filters and sorts, the subset reelnotes and its tests use: text
 * conditions on title, rich_text, url, email and phone_number; equals on select, status,
 * checkbox, number and date; multi_select contains; `and` / `or`; created_time sorts.
 */

const TEXT_FILTERS = new Set(["title", "rich_text", "url", "email", "phone_number"]);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A property by name or id, as the filter's `property` may give either. */
export function propertyByNameOrId(ds: DataSourceDef, key: string): PropertyConfig | undefined {
  return ds.properties[key] ?? Object.values(ds.properties).find((p) => p.id === key);
}

function textOf(config: PropertyConfig, value: unknown): string {
  if (config.type === "title" || config.type === "rich_text") return plainText(value);
  if (config.type === "select" || config.type === "status") return (value as { name?: string } | null)?.name ?? "";
  return typeof value === "string" ? value : "";
}

function textCondition(condition: Record<string, unknown>, text: string, path: string): boolean {
  const [name, operand] = Object.entries(condition)[0] ?? [];
  switch (name) {
    case "equals":
      return text === operand;
    case "does_not_equal":
      return text !== operand;
    case "contains":
      return text.includes(String(operand));
    case "does_not_contain":
      return !text.includes(String(operand));
    case "starts_with":
      return text.startsWith(String(operand));
    case "ends_with":
      return text.endsWith(String(operand));
    case "is_empty":
      return text === "";
    case "is_not_empty":
      return text !== "";
    default:
      throw invalid(path, "a supported text filter condition", condition);
  }
}

function propertyFilter(filter: Record<string, unknown>, page: StoredPage, ds: DataSourceDef, path: string): boolean {
  const config = propertyByNameOrId(ds, String(filter.property));
  if (!config) throw validationError(`Could not find property with name or id: ${String(filter.property)}`);
  const kind = Object.keys(filter).find((k) => k !== "property" && k !== "type");
  if (!kind || !isObject(filter[kind])) throw invalid(path, "a property filter", filter);
  const condition = filter[kind] as Record<string, unknown>;
  const value = page.properties[config.name];
  const compatible = TEXT_FILTERS.has(kind) ? TEXT_FILTERS.has(config.type) : kind === config.type;
  if (!compatible) throw validationError(`body failed validation: ${path}.${kind} does not match the type of property "${config.name}" (${config.type}).`);
  if (TEXT_FILTERS.has(kind) || kind === "select" || kind === "status") return textCondition(condition, textOf(config, value), `${path}.${kind}`);
  if (kind === "checkbox" || kind === "number") {
    if (!("equals" in condition)) throw invalid(`${path}.${kind}`, "`equals`", condition);
    return value === condition.equals;
  }
  if (kind === "multi_select" && "contains" in condition) return (value as { name: string }[]).some((o) => o.name === condition.contains);
  if (kind === "date" && "equals" in condition) return (value as { start?: string } | null)?.start === condition.equals;
  throw invalid(`${path}.${kind}`, "a filter condition the emulator supports", condition);
}

/** True when `page` passes `filter` (undefined passes everything). */
export function matchesFilter(filter: unknown, page: StoredPage, ds: DataSourceDef, path = "body.filter"): boolean {
  if (filter === undefined) return true;
  if (!isObject(filter)) throw invalid(path, "an object", filter);
  if (Array.isArray(filter.and)) return filter.and.every((f, i) => matchesFilter(f, page, ds, `${path}.and[${i}]`));
  if (Array.isArray(filter.or)) return filter.or.some((f, i) => matchesFilter(f, page, ds, `${path}.or[${i}]`));
  if (typeof filter.property === "string") return propertyFilter(filter, page, ds, path);
  throw invalid(path, "a property filter or a compound filter", filter);
}

/** Sorts pages by the first sort; created_time / last_edited_time timestamps and text properties. */
export function sortPages(pages: StoredPage[], sorts: unknown, ds: DataSourceDef): StoredPage[] {
  if (sorts === undefined) return [...pages].sort((a, b) => b.createdTime.localeCompare(a.createdTime));
  if (!Array.isArray(sorts)) throw invalid("body.sorts", "an array", sorts);
  const sorted = [...pages];
  for (const sort of [...sorts].reverse()) {
    if (!isObject(sort)) throw invalid("body.sorts", "an array of sort objects", sorts);
    const sign = sort.direction === "ascending" ? 1 : sort.direction === "descending" ? -1 : NaN;
    if (Number.isNaN(sign)) throw invalid("body.sorts[].direction", '`"ascending"` or `"descending"`', sort.direction);
    let key: (p: StoredPage) => string;
    if (sort.timestamp === "created_time") key = (p) => p.createdTime;
    else if (sort.timestamp === "last_edited_time") key = (p) => p.lastEditedTime;
    else {
      const config = propertyByNameOrId(ds, String(sort.property));
      if (!config) throw validationError(`Could not find sort property with name or id: ${String(sort.property)}`);
      key = (p) => textOf(config, p.properties[config.name]);
    }
    // Stable sort keeps insertion order among equal timestamps, newest-created last on ties.
    sorted.sort((a, b) => sign * key(a).localeCompare(key(b)));
  }
  return sorted;
}

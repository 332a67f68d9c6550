import type { PrismaClient } from "../db/client.ts";
import { tagFromTitle, type DataSourceInfo } from "./discovery.ts";

/** A stored NotionSchema row: one shared data source of a user, with its tag. */
export type NotionSchemaRow = Awaited<ReturnType<PrismaClient["notionSchema"]["findFirstOrThrow"]>>;

/** `base`, or `base-2`, `base-3`... whichever is free. */
function freeTag(base: string, taken: Set<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n += 1) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** Which tag each source gets: a source keeps its tag while its title still gives the same one. */
function assignTags(sources: DataSourceInfo[], existing: Map<string, string>): Map<string, string> {
  const tags = new Map<string, string>();
  const taken = new Set<string>();
  for (const source of sources) {
    const current = existing.get(source.dataSourceId);
    const base = tagFromTitle(source.title);
    // Tags hold only letters, digits, marks and "-", so `base` is safe inside a pattern.
    const stillFits = current !== undefined && new RegExp(`^${base}(-\\d+)?$`, "u").test(current);
    if (current && stillFits && !taken.has(current)) {
      tags.set(source.dataSourceId, current);
      taken.add(current);
    }
  }
  for (const source of sources) {
    if (tags.has(source.dataSourceId)) continue;
    const tag = freeTag(tagFromTitle(source.title), taken);
    tags.set(source.dataSourceId, tag);
    taken.add(tag);
  }
  return tags;
}

/**
 * Makes the user's NotionSchema rows match what is shared now: new sources added, known ones
 * updated (title, properties, synced time), unshared ones deleted. Tags stay unique per user
 * (`recipes`, `recipes-2`) and stable across re-syncs. Returns the rows ordered by tag.
 */
export async function syncSchemas(prisma: PrismaClient, userId: string, sources: DataSourceInfo[]): Promise<NotionSchemaRow[]> {
  const unique = [...new Map(sources.map((s) => [s.dataSourceId, s])).values()];
  const ids = unique.map((s) => s.dataSourceId);
  return prisma.$transaction(async (tx) => {
    await tx.notionSchema.deleteMany({ where: { userId, dataSourceId: { notIn: ids } } });
    const rows = await tx.notionSchema.findMany({ where: { userId } });
    const tags = assignTags(unique, new Map(rows.map((r) => [r.dataSourceId, r.tag])));
    // Park changing tags first so a tag handed from one row to another never clashes mid-way.
    for (const row of rows) {
      if (tags.get(row.dataSourceId) !== row.tag) {
        await tx.notionSchema.update({ where: { id: row.id }, data: { tag: `~moving-${row.id}` } });
      }
    }
    const now = new Date();
    for (const source of unique) {
      const data = {
        databaseId: source.databaseId,
        title: source.title,
        tag: tags.get(source.dataSourceId)!,
        url: source.url ?? null,
        properties: source.properties as object,
        syncedAt: now,
      };
      await tx.notionSchema.upsert({
        where: { userId_dataSourceId: { userId, dataSourceId: source.dataSourceId } },
        create: { userId, dataSourceId: source.dataSourceId, ...data },
        update: data,
      });
    }
    return tx.notionSchema.findMany({ where: { userId }, orderBy: { tag: "asc" } });
  });
}

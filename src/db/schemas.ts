/**
 * The NotionSchema repository: one row per Notion data source a person shared, with its tag
 * and property schema, kept in step with Notion by `sync`.
 */
import type { Database } from "./client.ts";
import type { NotionSchema } from "./generated/client.ts";
import { assignTags } from "./schema-tags.ts";

export type { NotionSchema } from "./generated/client.ts";

/** A data source as discovery found it in the person's workspace. */
export interface SharedDataSource {
  databaseId: string;
  dataSourceId: string;
  title: string;
  /** What the database is for, as its owner described it in Notion. */
  description?: string;
  url?: string;
  properties: object;
}

/** A database as the chat offers it. */
export interface DatabaseChoice {
  id: string;
  title: string;
  tag: string;
}

/** Every read and write of the NotionSchema table. */
export interface SchemaRepository {
  /**
   * Makes the user's rows match what is shared now: new sources added, known ones updated
   * (title, properties, synced time), unshared ones deleted. Tags stay unique per user
   * (`recipes`, `recipes-2`) and stable across re-syncs. Returns the rows ordered by tag.
   */
  sync(userId: string, sources: SharedDataSource[]): Promise<NotionSchema[]>;
  /** The person's databases, in tag order. */
  list(userId: string): Promise<DatabaseChoice[]>;
  /** The person's databases with everything known about them (description, properties), in tag order. */
  listFull(userId: string): Promise<NotionSchema[]>;
  /** The schema with this id, or undefined when it was deleted. */
  find(id: string): Promise<NotionSchema | undefined>;
  /** The person's schema of this data source, or undefined when it is no longer shared. */
  findByDataSource(userId: string, dataSourceId: string): Promise<NotionSchema | undefined>;
}

/** The schema repository over Postgres or PGlite. */
export function createSchemaRepository(db: Database): SchemaRepository {
  const { prisma } = db;
  return {
    async sync(userId, sources) {
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
            description: source.description || null,
            tag: tags.get(source.dataSourceId)!,
            url: source.url ?? null,
            properties: source.properties,
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
    },
    // Plain SQL: asked for with every message of links, where Prisma's own work per query
    // weighed on a crowd's "Queued" (issue 18).
    list: async (userId) =>
      (await db.sql.query<DatabaseChoice>(`SELECT id, title, tag FROM "NotionSchema" WHERE "userId" = $1::uuid ORDER BY tag ASC`, [userId])).rows,
    listFull: (userId) => prisma.notionSchema.findMany({ where: { userId }, orderBy: { tag: "asc" } }),
    find: async (id) => (await prisma.notionSchema.findUnique({ where: { id } })) ?? undefined,
    findByDataSource: async (userId, dataSourceId) => (await prisma.notionSchema.findFirst({ where: { userId, dataSourceId } })) ?? undefined,
  };
}

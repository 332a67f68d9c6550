import type { Database } from "../db/client.ts";
import type { Button } from "./adapter.ts";
import type { DatabaseChoice } from "./context.ts";

/** The person's databases, in tag order. */
export async function databasesOf(db: Database, userId: string): Promise<DatabaseChoice[]> {
  return db.prisma.notionSchema.findMany({ where: { userId }, orderBy: { tag: "asc" }, select: { id: true, title: true, tag: true } });
}

/** The workspace name when the person has a live Notion connection. */
export async function workspaceOf(db: Database, userId: string): Promise<string | undefined> {
  const connection = await db.prisma.notionConnection.findUnique({ where: { userId } });
  if (!connection || connection.revokedAt) return undefined;
  return connection.workspaceName ?? "your Notion workspace";
}

/** Makes `schemaId` the database new links go to. */
export async function chooseDatabase(db: Database, userId: string, schemaId: string): Promise<void> {
  await db.prisma.user.update({ where: { id: userId }, data: { activeSchemaId: schemaId } });
}

/** One button per database, two per row; `prefix` says what pressing it does. */
export function databaseButtons(databases: DatabaseChoice[], prefix: "tag" | "use", currentId?: string | null): Button[][] {
  const buttons: Button[] = databases.map((d) => ({ text: d.id === currentId ? `✓ ${d.title}` : d.title, data: `${prefix}:${d.id}` }));
  const rows: Button[][] = [];
  for (let i = 0; i < buttons.length; i += 2) rows.push(buttons.slice(i, i + 2));
  return rows;
}

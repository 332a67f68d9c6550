import type { Repositories } from "../db/repositories.ts";
import type { Button } from "./adapter.ts";
import type { DatabaseChoice } from "./context.ts";

/** The workspace name when the person has a live Notion connection. */
export async function workspaceOf(repos: Repositories, userId: string): Promise<string | undefined> {
  const workspace = await repos.connections.liveWorkspace(userId);
  if (!workspace) return undefined;
  return workspace.name ?? "your Notion workspace";
}

/** One button per database, two per row; `prefix` says what pressing it does. */
export function databaseButtons(databases: DatabaseChoice[], prefix: "tag" | "use", currentId?: string | null): Button[][] {
  const buttons: Button[] = databases.map((d) => ({ text: d.id === currentId ? `✓ ${d.title}` : d.title, data: `${prefix}:${d.id}` }));
  const rows: Button[][] = [];
  for (let i = 0; i < buttons.length; i += 2) rows.push(buttons.slice(i, i + 2));
  return rows;
}

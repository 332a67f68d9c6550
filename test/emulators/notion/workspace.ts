import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { z } from "zod";

/**
 * The workspace an emulator serves, from a JSON file:
 * `{ "workspace": {"id","name"}, "dataSources": [ { "id", "databaseId", "title", "properties": {...} } ] }`
 * where each property is the object Notion's API returns for a data source property.
 */

const propertySchema = z
  .object({ id: z.string().optional(), name: z.string().optional(), type: z.string(), description: z.string().nullish() })
  .loose();

const workspaceFileSchema = z.object({
  workspace: z.object({ id: z.string(), name: z.string(), icon: z.string().optional() }),
  dataSources: z.array(
    z.object({
      id: z.string(),
      databaseId: z.string(),
      title: z.string(),
      /** What the database is for, as its owner wrote it in Notion. */
      description: z.string().optional(),
      properties: z.record(z.string(), propertySchema),
    }),
  ),
});

/** The workspace file as written. */
export type WorkspaceFile = z.input<typeof workspaceFileSchema>;

/** A data source property with its id and name filled in. */
export interface PropertyConfig {
  id: string;
  name: string;
  type: string;
  description?: string | null;
  [field: string]: unknown;
}

/** A data source ready to serve. */
export interface DataSourceDef {
  id: string;
  databaseId: string;
  title: string;
  description?: string;
  properties: Record<string, PropertyConfig>;
}

/** A loaded workspace. */
export interface Workspace {
  id: string;
  name: string;
  icon?: string;
  dataSources: DataSourceDef[];
}

/** Parses and normalises a workspace: every property gets its name and an id; exactly one title per data source. */
export function parseWorkspace(input: unknown): Workspace {
  const file = workspaceFileSchema.parse(input);
  const dataSources = file.dataSources.map((ds) => {
    const properties: Record<string, PropertyConfig> = {};
    for (const [name, config] of Object.entries(ds.properties)) {
      properties[name] = { ...config, id: config.id ?? (config.type === "title" ? "title" : randomUUID().slice(0, 4)), name };
    }
    const titles = Object.values(properties).filter((p) => p.type === "title");
    if (titles.length !== 1) throw new Error(`Data source ${ds.id} must have exactly one title property, has ${titles.length}`);
    return { ...ds, properties };
  });
  return { ...file.workspace, dataSources };
}

/** Reads a workspace JSON file. */
export async function loadWorkspaceFile(path: string): Promise<Workspace> {
  return parseWorkspace(JSON.parse(await readFile(path, "utf8")));
}

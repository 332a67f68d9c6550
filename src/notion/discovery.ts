import type { NotionApi } from "./client.ts";
import type { NotionProperties } from "./schema-mapping.ts";

/** A data source the person shared with reelnotes, with everything needed to write pages into it. */
export interface DataSourceInfo {
  databaseId: string;
  dataSourceId: string;
  title: string;
  /** What the database is for, as its owner described it (empty or absent when not described). */
  description?: string;
  url?: string;
  properties: NotionProperties;
}

/**
 * Every data source shared with the token: search (filter "data_source", all pages of
 * results), then retrieve each one for its full property schema.
 */
export async function discoverDataSources(api: NotionApi, accessToken: string): Promise<DataSourceInfo[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.searchDataSources(accessToken, cursor);
    for (const result of page.results) if (!ids.includes(result.id)) ids.push(result.id);
    cursor = page.hasMore && page.nextCursor ? page.nextCursor : undefined;
  } while (cursor);
  const sources: DataSourceInfo[] = [];
  for (const id of ids) {
    const ds = await api.retrieveDataSource(accessToken, id);
    sources.push({ databaseId: ds.databaseId, dataSourceId: ds.id, title: ds.title, description: ds.description, url: ds.url, properties: ds.properties });
  }
  return sources;
}

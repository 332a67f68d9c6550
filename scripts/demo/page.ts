import type { BlockView, NotionEmulator } from "../../test/emulators/notion/index.ts";

/** A block of the page body, as an outline: its type, its plain text and its children. */
export interface BlockOutline {
  type: string;
  text: string;
  children?: BlockOutline[];
}

/** The saved page: properties exactly as the service sent them to Notion, and its body. */
export interface SavedPage {
  id: string;
  url: string;
  dataSourceId: string;
  properties: Record<string, unknown>;
  /** The page cover exactly as the service sent it (a Notion file upload), or null. */
  cover: unknown;
  blocks: BlockOutline[];
}

function outline(block: BlockView): BlockOutline {
  // Blocks without rich text show their link (bookmark, embed) or their file upload (image) instead.
  const upload = (block.content.file_upload as { id?: string } | undefined)?.id;
  const text = block.plainText || (typeof block.content.url === "string" ? block.content.url : upload ? `file upload ${upload}` : "");
  return { type: block.type, text, ...(block.children.length > 0 ? { children: block.children.map(outline) } : {}) };
}

/**
 * Finds the page behind `pageUrl` (the "Open in Notion" link the person got) in the Notion
 * emulator, with the properties of the create-page request that made it.
 */
export function savedPage(notion: NotionEmulator, pageUrl: string): SavedPage {
  const page = notion.pages.find((p) => p.url === pageUrl);
  if (!page) throw new Error(`Notion has no page at ${pageUrl}`);
  // The request log keeps bodies, not answers: the page is the one made by the create request
  // into its data source that succeeded (the demo makes one page).
  const created = notion.requests.filter((r) => r.method === "POST" && r.path === "/v1/pages" && r.status === 200);
  const sent = created
    .map((r) => r.body as { parent?: { data_source_id?: string }; properties?: Record<string, unknown>; cover?: unknown })
    .filter((body) => body.parent?.data_source_id === page.dataSourceId)
    .at(-1);
  if (!sent?.properties) throw new Error("The create-page request for the saved page is not in Notion's request log");
  return { id: page.id, url: page.url, dataSourceId: page.dataSourceId, properties: sent.properties, cover: sent.cover ?? null, blocks: notion.blocksOf(page.id).map(outline) };
}

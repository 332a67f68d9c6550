import { randomBytes, randomUUID } from "node:crypto";
import type { BlockInput } from "./validation.ts";
import type { DataSourceDef, PropertyConfig, Workspace } from "./workspace.ts";

/**
 * The emulator's memory: who may see what (tokens and their shared data sources), pages and
 * their blocks, and how each is rendered the way the API returns it.
 */

/** An access token, the refresh token issued with it, and what it was granted. */
export interface TokenGrant {
  token: string;
  refreshToken: string;
  botId: string;
  dataSourceIds: Set<string>;
  revoked: boolean;
  /** The access token has expired: requests answer 401 `unauthorized`; its refresh token still works. */
  expired: boolean;
  /** How many more searches leave out the shared data sources (Notion's index lags right after consent). */
  searchesHidden: number;
}

/** A page as stored: property values in the API's response shape. */
export interface StoredPage {
  id: string;
  dataSourceId: string;
  databaseId: string;
  properties: Record<string, unknown>;
  cover: unknown;
  icon: unknown;
  createdTime: string;
  lastEditedTime: string;
  createdBy: string;
  inTrash: boolean;
  url: string;
}

/** A block as stored; `children` are ids in order. */
export interface StoredBlock {
  id: string;
  parentId: string;
  parentType: "page_id" | "block_id";
  pageId: string;
  type: string;
  content: Record<string, unknown>;
  children: string[];
  createdTime: string;
  createdBy: string;
}

const DEFAULT_ANNOTATIONS = { bold: false, italic: false, strikethrough: false, underline: false, code: false, color: "default" };

/** Request rich text -> response rich text (plain_text, href, full annotations). */
export function renderRichText(items: unknown): unknown[] {
  return (items as Record<string, unknown>[]).map((item) => {
    const text = item.text as { content: string; link?: { url: string } | null } | undefined;
    const annotations = { ...DEFAULT_ANNOTATIONS, ...(item.annotations as object | undefined) };
    if (text) {
      return {
        type: "text",
        text: { content: text.content, link: text.link ?? null },
        annotations,
        plain_text: text.content,
        href: text.link?.url ?? null,
      };
    }
    return { ...item, annotations, plain_text: "", href: null };
  });
}

/** The plain text of a response rich text array. */
export function plainText(items: unknown): string {
  return ((items as { plain_text?: string }[] | undefined) ?? []).map((t) => t.plain_text ?? "").join("");
}

function optionOf(config: PropertyConfig, wanted: { id?: string; name?: string }): unknown {
  const options = (config[config.type] as { options?: { id?: string; name: string; color?: string }[] }).options ?? [];
  const option = options.find((o) => (wanted.id !== undefined && o.id === wanted.id) || o.name === wanted.name)!;
  return { id: option.id ?? option.name, name: option.name, color: option.color ?? "default" };
}

/** A page property value in response shape, from a validated request value. */
export function storedValue(config: PropertyConfig, request: Record<string, unknown>): unknown {
  const inner = request[config.type];
  switch (config.type) {
    case "title":
    case "rich_text":
      return renderRichText(inner);
    case "select":
    case "status":
      return inner === null ? null : optionOf(config, inner as { id?: string; name?: string });
    case "multi_select":
      return (inner as { id?: string; name?: string }[]).map((o) => optionOf(config, o));
    case "date":
      return inner === null ? null : { start: (inner as { start: string }).start, end: (inner as { end?: string }).end ?? null, time_zone: null };
    default:
      return inner;
  }
}

function emptyValue(config: PropertyConfig, page: StoredPage, sequence: number): unknown {
  switch (config.type) {
    case "title":
    case "rich_text":
    case "multi_select":
    case "people":
    case "relation":
    case "files":
      return [];
    case "checkbox":
      return false;
    case "created_time":
      return page.createdTime;
    case "last_edited_time":
      return page.lastEditedTime;
    case "created_by":
    case "last_edited_by":
      return { object: "user", id: page.createdBy };
    case "formula":
      return { type: "string", string: null };
    case "rollup":
      return { type: "array", array: [], function: "show_original" };
    case "unique_id":
      return { prefix: (config.unique_id as { prefix?: string } | undefined)?.prefix ?? null, number: sequence };
    case "verification":
      return { state: "unverified", verified_by: null, date: null };
    case "button":
      return {};
    default:
      return null;
  }
}

const stamp = () => new Date().toISOString();

/** The emulator's state. */
export class NotionStore {
  /** Turns a stored file object (as sent) into the response shape; set by the emulator to resolve file uploads. */
  renderFile: (file: unknown) => unknown = (file) => file;
  readonly tokens = new Map<string, TokenGrant>();
  /** Grants by their refresh token; a refresh token is spent by its one use. */
  readonly refreshTokens = new Map<string, TokenGrant>();
  readonly pages = new Map<string, StoredPage>();
  readonly blocks = new Map<string, StoredBlock>();
  readonly pageChildren = new Map<string, string[]>();
  readonly deletedDataSources = new Set<string>();
  /** Data sources the integration may read but not insert into (its capabilities lack "Insert content"). */
  readonly readOnlyDataSources = new Set<string>();
  /** For how many searches a new grant's data sources stay out of search results (0: none). */
  searchLag = 0;
  private sequence = 0;

  readonly workspace: Workspace;

  constructor(workspace: Workspace) {
    this.workspace = workspace;
  }

  /** Mints a token (and its refresh token) that sees `dataSourceIds`. */
  grant(dataSourceIds: Iterable<string>): TokenGrant {
    return this.remember({ botId: randomUUID(), dataSourceIds: new Set(dataSourceIds), searchesHidden: this.searchLag });
  }

  /**
   * The `refresh_token` grant: a new access token and a new refresh token for the same bot and
   * data sources; the old pair stops working (refresh tokens rotate).
   */
  rotate(old: TokenGrant): TokenGrant {
    this.revoke(old);
    return this.remember({ botId: old.botId, dataSourceIds: old.dataSourceIds, searchesHidden: old.searchesHidden });
  }

  /** Ends a grant: its access token answers 401 and its refresh token is refused. */
  revoke(grant: TokenGrant): void {
    grant.revoked = true;
    this.refreshTokens.delete(grant.refreshToken);
  }

  private remember(of: Pick<TokenGrant, "botId" | "dataSourceIds" | "searchesHidden">): TokenGrant {
    const grant: TokenGrant = {
      ...of,
      token: `ntn_${randomBytes(24).toString("base64url")}`,
      refreshToken: `nrt_${randomBytes(24).toString("base64url")}`,
      revoked: false,
      expired: false,
    };
    this.tokens.set(grant.token, grant);
    this.refreshTokens.set(grant.refreshToken, grant);
    return grant;
  }

  /** The data source if it exists and `grant` may see it. */
  visibleDataSource(grant: TokenGrant, id: string): DataSourceDef | undefined {
    const ds = this.workspace.dataSources.find((d) => d.id === id);
    return ds && grant.dataSourceIds.has(id) && !this.deletedDataSources.has(id) ? ds : undefined;
  }

  /** Every data source `grant` may see. */
  visibleDataSources(grant: TokenGrant): DataSourceDef[] {
    return this.workspace.dataSources.filter((d) => this.visibleDataSource(grant, d.id));
  }

  /** The page if `grant` may see its data source. */
  visiblePage(grant: TokenGrant, id: string): StoredPage | undefined {
    const page = this.pages.get(id);
    return page && this.visibleDataSource(grant, page.dataSourceId) ? page : undefined;
  }

  /** The block if `grant` may see the page it lives in. */
  visibleBlock(grant: TokenGrant, id: string): StoredBlock | undefined {
    const block = this.blocks.get(id);
    return block && this.visiblePage(grant, block.pageId) ? block : undefined;
  }

  /** Stores a page with its (validated) property values and body. */
  createPage(ds: DataSourceDef, values: Record<string, Record<string, unknown>>, extras: { cover: unknown; icon: unknown; botId: string }, children: BlockInput[]): StoredPage {
    const id = randomUUID();
    const now = stamp();
    const page: StoredPage = {
      id,
      dataSourceId: ds.id,
      databaseId: ds.databaseId,
      properties: {},
      cover: extras.cover ?? null,
      icon: extras.icon ?? null,
      createdTime: now,
      lastEditedTime: now,
      createdBy: extras.botId,
      inTrash: false,
      url: "",
    };
    this.sequence += 1;
    for (const config of Object.values(ds.properties)) {
      const value = values[config.name];
      page.properties[config.name] = value ? storedValue(config, value) : emptyValue(config, page, this.sequence);
    }
    const titleConfig = Object.values(ds.properties).find((c) => c.type === "title")!;
    const title = plainText(page.properties[titleConfig.name]);
    const slug = title.replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-|-$/g, "").slice(0, 60);
    page.url = `https://www.notion.so/${slug ? `${slug}-` : ""}${id.replaceAll("-", "")}`;
    this.pages.set(id, page);
    this.pageChildren.set(id, []);
    this.appendBlocks(id, "page_id", id, children, extras.botId);
    return page;
  }

  /** Appends validated blocks under a page or block; returns the new top-level blocks. */
  appendBlocks(parentId: string, parentType: "page_id" | "block_id", pageId: string, inputs: BlockInput[], botId: string): StoredBlock[] {
    const list = parentType === "page_id" ? this.pageChildren.get(parentId)! : this.blocks.get(parentId)!.children;
    return inputs.map((input) => {
      const block: StoredBlock = {
        id: randomUUID(),
        parentId,
        parentType,
        pageId,
        type: input.type,
        content: renderBlockContent(input.content),
        children: [],
        createdTime: stamp(),
        createdBy: botId,
      };
      this.blocks.set(block.id, block);
      list.push(block.id);
      this.appendBlocks(block.id, "block_id", pageId, input.children, botId);
      return block;
    });
  }

  /** Child block ids of a page or block. */
  childrenOf(id: string): string[] {
    return this.pageChildren.get(id) ?? this.blocks.get(id)?.children ?? [];
  }

  /** A data source as the API returns it. */
  renderDataSource(ds: DataSourceDef): Record<string, unknown> {
    return {
      object: "data_source",
      id: ds.id,
      created_time: "2025-09-03T00:00:00.000Z",
      last_edited_time: "2025-09-03T00:00:00.000Z",
      created_by: { object: "user", id: "00000000-0000-4000-8000-000000000001" },
      last_edited_by: { object: "user", id: "00000000-0000-4000-8000-000000000001" },
      title: renderRichText([{ type: "text", text: { content: ds.title } }]),
      description: ds.description ? renderRichText([{ type: "text", text: { content: ds.description } }]) : [],
      icon: null,
      cover: null,
      properties: Object.fromEntries(Object.values(ds.properties).map((p) => [p.name, { description: null, [p.type]: {}, ...p }])),
      parent: { type: "database_id", database_id: ds.databaseId },
      database_parent: { type: "workspace", workspace: true },
      is_inline: false,
      archived: false,
      in_trash: false,
      url: `https://www.notion.so/${ds.id.replaceAll("-", "")}`,
      public_url: null,
    };
  }

  /** A page as the API returns it. */
  renderPage(page: StoredPage): Record<string, unknown> {
    const ds = this.workspace.dataSources.find((d) => d.id === page.dataSourceId)!;
    const properties: Record<string, unknown> = {};
    for (const config of Object.values(ds.properties)) {
      properties[config.name] = { id: config.id, type: config.type, [config.type]: page.properties[config.name] };
    }
    return {
      object: "page",
      id: page.id,
      created_time: page.createdTime,
      last_edited_time: page.lastEditedTime,
      created_by: { object: "user", id: page.createdBy },
      last_edited_by: { object: "user", id: page.createdBy },
      cover: this.renderFile(page.cover),
      icon: page.icon,
      parent: { type: "data_source_id", data_source_id: page.dataSourceId, database_id: page.databaseId },
      archived: page.inTrash,
      in_trash: page.inTrash,
      // Archiving (apart from the trash) is a separate flag since 2025; pages we make never are.
      is_archived: false,
      is_locked: false,
      properties,
      url: page.url,
      public_url: null,
    };
  }

  /** A block as the API returns it (children are listed separately). */
  renderBlock(block: StoredBlock): Record<string, unknown> {
    return {
      object: "block",
      id: block.id,
      parent: block.parentType === "page_id" ? { type: "page_id", page_id: block.parentId } : { type: "block_id", block_id: block.parentId },
      created_time: block.createdTime,
      last_edited_time: block.createdTime,
      created_by: { object: "user", id: block.createdBy },
      last_edited_by: { object: "user", id: block.createdBy },
      has_children: block.children.length > 0,
      archived: false,
      in_trash: false,
      type: block.type,
      [block.type]: {
        ...ANSWERED_DEFAULTS[block.type],
        ...((block.type === "image" || block.type === "video" ? this.renderFile(block.content) : block.content) as Record<string, unknown>),
      },
    };
  }
}

/** Fields Notion always answers with for some block types, at their defaults, as the SDK's response types require. */
const ANSWERED_DEFAULTS: Record<string, Record<string, unknown>> = {
  paragraph: { icon: null },
  callout: { icon: null },
  heading_1: { is_toggleable: false },
  heading_2: { is_toggleable: false },
  heading_3: { is_toggleable: false },
  heading_4: { is_toggleable: false },
  to_do: { checked: false },
  code: { caption: [] },
  embed: { caption: [] },
  bookmark: { caption: [] },
  image: { caption: [] },
  video: { caption: [] },
};

function renderBlockContent(content: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...content };
  if (Array.isArray(content.rich_text)) out.rich_text = renderRichText(content.rich_text);
  if (Array.isArray(content.caption)) out.caption = renderRichText(content.caption);
  if ("rich_text" in out) out.color ??= "default";
  return out;
}

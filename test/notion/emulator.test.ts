import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNotionEmulator, type NotionEmulator } from "../emulators/notion/index.ts";
import { fixturePath } from "./setup.ts";

/** The emulator rejects what Notion rejects, with Notion's error objects. */

let emulator: NotionEmulator;
let token: string;
let recipesId: string;

beforeAll(async () => {
  emulator = await startNotionEmulator({ workspaceFile: fixturePath("recipes") });
  token = emulator.grantToken();
  recipesId = emulator.workspace.dataSources[0]!.id;
});
afterAll(() => emulator.stop());

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${emulator.url}${path}`, {
    method,
    headers: { "Notion-Version": "2025-09-03", Authorization: `Bearer ${token}`, "Content-Type": "application/json", ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, json: (await response.json()) as Record<string, unknown> };
}

const title = (text: string) => ({ title: [{ text: { content: text } }] });
const createPage = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  call("POST", "/v1/pages", { parent: { type: "data_source_id", data_source_id: recipesId }, properties: { Name: title("x"), ...properties }, ...extra });
const paragraph = (text = "p") => ({ object: "block", type: "paragraph", paragraph: { rich_text: [{ type: "text", text: { content: text } }] } });

describe("headers and tokens", () => {
  it("asks for the Notion-Version header", async () => {
    const res = await call("POST", "/v1/search", {}, { "Notion-Version": "" });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ object: "error", status: 400, code: "missing_version" });
  });

  it("refuses a missing or unknown bearer token with 401 unauthorized", async () => {
    for (const auth of ["", "Bearer ntn_nope"]) {
      const res = await call("POST", "/v1/search", {}, { Authorization: auth });
      expect(res.status).toBe(401);
      expect(res.json).toMatchObject({ object: "error", code: "unauthorized" });
    }
  });

  it("answers invalid JSON with invalid_json", async () => {
    const res = await call("POST", "/v1/search", "{nope");
    expect(res.json).toMatchObject({ status: 400, code: "invalid_json" });
  });
});

describe("search and data sources", () => {
  it("finds shared data sources with the 2025-09-03 filter value and refuses the old one", async () => {
    const ok = await call("POST", "/v1/search", { filter: { property: "object", value: "data_source" } });
    expect(ok.json.results).toEqual([expect.objectContaining({ object: "data_source", id: recipesId })]);
    const old = await call("POST", "/v1/search", { filter: { property: "object", value: "database" } });
    expect(old.json).toMatchObject({ status: 400, code: "validation_error" });
  });

  it("hides data sources the token was not given", async () => {
    const other = emulator.grantToken([]);
    const res = await call("GET", `/v1/data_sources/${recipesId}`, undefined, { Authorization: `Bearer ${other}` });
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ code: "object_not_found" });
    const found = await call("POST", "/v1/search", {}, { Authorization: `Bearer ${other}` });
    expect(found.json.results).toEqual([]);
  });

  it("retrieves the database with its data sources", async () => {
    const res = await call("GET", `/v1/databases/${emulator.workspace.dataSources[0]!.databaseId}`);
    expect(res.json).toMatchObject({ object: "database", data_sources: [{ id: recipesId, name: "🍳 Recipes" }] });
  });
});

describe("page validation", () => {
  it("rejects an unknown property name", async () => {
    const res = await createPage({ Nope: { rich_text: [] } });
    expect(res.json).toMatchObject({ status: 400, code: "validation_error", message: "Nope is not a property that exists." });
  });

  it("rejects a value of the wrong shape", async () => {
    const res = await createPage({ Servings: { number: "four" } });
    expect(res.json).toMatchObject({ code: "validation_error" });
    expect(res.json.message).toContain("body.properties.Servings.number should be a number");
  });

  it("rejects options that do not exist, for select, multi-select and status", async () => {
    for (const value of [{ select: { name: "Martian" } }, { multi_select: [{ name: "Keto" }] }, { status: { name: "Eaten" } }]) {
      const key = { select: "Cuisine", multi_select: "Diet", status: "Status" }[Object.keys(value)[0] as "select"];
      const res = await createPage({ [key]: value });
      expect(res.json).toMatchObject({ status: 400, code: "validation_error" });
    }
  });

  it("rejects writes to read-only properties", async () => {
    for (const name of ["Calories", "Created", "Recipe ID", "Ingredient count", "Last edited by"]) {
      const res = await createPage({ [name]: { rich_text: [] } });
      expect(res.json).toMatchObject({ status: 400, code: "validation_error" });
    }
  });

  it("enforces text, array, URL, email and multi-select limits", async () => {
    const cases = [
      { Notes: { rich_text: [{ text: { content: "x".repeat(2001) } }] } },
      { Notes: { rich_text: Array.from({ length: 101 }, () => ({ text: { content: "x" } })) } },
      { Source: { url: `https://example.com/${"a".repeat(2000)}` } },
      { "Chef email": { email: `${"a".repeat(200)}@example.com` } },
    ];
    for (const properties of cases) expect((await createPage(properties)).json).toMatchObject({ code: "validation_error" });
  });

  it("accepts every writable kind at once and reads the page back", async () => {
    const res = await createPage({
      Cuisine: { select: { name: "Italian" } },
      Diet: { multi_select: [{ name: "Vegan" }] },
      Status: { status: { name: "Cooked" } },
      Servings: { number: 2 },
      Vegetarian: { checkbox: true },
      "Cook on": { date: { start: "2025-02-03" } },
      Source: { url: "https://www.instagram.com/reel/abc/" },
      "Chef email": { email: "a@b.co" },
      "Shop phone": { phone_number: "+44 20 0000 0000" },
      Notes: { rich_text: [{ text: { content: "note" } }] },
    });
    expect(res.status).toBe(200);
    const page = await call("GET", `/v1/pages/${res.json.id as string}`);
    expect(page.json).toMatchObject({
      object: "page",
      parent: { type: "data_source_id", data_source_id: recipesId },
      properties: { Cuisine: { type: "select", select: { name: "Italian" } }, Source: { url: "https://www.instagram.com/reel/abc/" } },
    });
  });
});

describe("blocks", () => {
  it("refuses more than 100 children in one request", async () => {
    const res = await createPage({}, { children: Array.from({ length: 101 }, () => paragraph()) });
    expect(res.json).toMatchObject({ code: "validation_error" });
    expect(res.json.message).toContain("body.children.length should be ≤ `100`");
  });

  it("refuses a third level of nesting", async () => {
    const deep = { type: "toggle", toggle: { rich_text: [], children: [{ type: "toggle", toggle: { rich_text: [], children: [{ type: "toggle", toggle: { rich_text: [], children: [paragraph()] } }] } }] } };
    const res = await createPage({}, { children: [deep] });
    expect(res.json).toMatchObject({ code: "validation_error" });
    expect(res.json.message).toContain("children should be not present");
  });

  it("refuses a request over 500 KB", async () => {
    const children = Array.from({ length: 100 }, () => paragraph("x".repeat(2000)));
    const big = children.map((c) => ({ ...c, paragraph: { rich_text: Array.from({ length: 3 }, () => c.paragraph.rich_text[0]) } }));
    const res = await createPage({}, { children: big });
    expect(res.json).toMatchObject({ status: 400, code: "validation_error" });
  });

  it("appends children in order and lists them with pagination", async () => {
    const page = await createPage({});
    const id = page.json.id as string;
    await call("PATCH", `/v1/blocks/${id}/children`, { children: Array.from({ length: 100 }, (_, i) => paragraph(`a${i}`)) });
    await call("PATCH", `/v1/blocks/${id}/children`, { children: [paragraph("b0")] });
    const first = await call("GET", `/v1/blocks/${id}/children?page_size=100`);
    expect(first.json).toMatchObject({ has_more: true });
    const rest = await call("GET", `/v1/blocks/${id}/children?start_cursor=${first.json.next_cursor as string}`);
    expect(emulator.blocksOf(id).map((b) => b.plainText)).toEqual([...Array.from({ length: 100 }, (_, i) => `a${i}`), "b0"]);
    expect(rest.json.results).toEqual([expect.objectContaining({ type: "paragraph" })]);
  });
});

describe("query", () => {
  it("filters by url equality and rich_text equality", async () => {
    await createPage({ Source: { url: "https://vm.tiktok.com/one/" }, Notes: { rich_text: [{ text: { content: "marker-1" } }] } });
    await createPage({ Source: { url: "https://vm.tiktok.com/two/" } });
    const byUrl = await call("POST", `/v1/data_sources/${recipesId}/query`, { filter: { property: "Source", url: { equals: "https://vm.tiktok.com/one/" } } });
    expect(byUrl.json.results).toHaveLength(1);
    const byText = await call("POST", `/v1/data_sources/${recipesId}/query`, {
      filter: { and: [{ property: "Notes", rich_text: { equals: "marker-1" } }, { property: "Source", url: { equals: "https://vm.tiktok.com/one/" } }] },
    });
    expect(byText.json.results).toHaveLength(1);
    const unknown = await call("POST", `/v1/data_sources/${recipesId}/query`, { filter: { property: "Nope", url: { equals: "x" } } });
    expect(unknown.json).toMatchObject({ code: "validation_error" });
  });
});

describe("rate limit", () => {
  it("answers 429 rate_limited with Retry-After above the configured rate", async () => {
    emulator.rateLimit = { requestsPerSecond: 1, burst: 2 };
    try {
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 4; i += 1) {
        const res = await call("POST", "/v1/search", {});
        statuses.push(res.status);
        if (res.status === 429) {
          retryAfter = res.headers.get("retry-after");
          expect(res.json).toMatchObject({ object: "error", code: "rate_limited" });
        }
      }
      expect(statuses.slice(0, 2)).toEqual([200, 200]);
      expect(statuses).toContain(429);
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    } finally {
      emulator.rateLimit = undefined;
    }
  });
});

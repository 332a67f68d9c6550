import { readdirSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { TransientError, UserFacingError } from "../../src/errors.ts";
import { discoverDataSources, type DataSourceInfo } from "../../src/notion/discovery.ts";
import { publishPage, type PagePlan } from "../../src/notion/publish.ts";
import { buildSummarySchema, findSavedDateProperty, findSourceUrlProperty } from "../../src/notion/schema-mapping.ts";
import type { BlockView, NotionEmulator } from "../emulators/notion/index.ts";
import { fillSummary } from "./fill-summary.ts";
import { emulatorWithApi } from "./setup.ts";

const running: NotionEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
});

async function start(fixture: string, options: Parameters<typeof emulatorWithApi>[1] = {}) {
  const setup = await emulatorWithApi(fixture, options);
  running.push(setup.emulator);
  const token = setup.emulator.grantToken();
  const sources = await discoverDataSources(setup.api, token);
  return { ...setup, token, sources };
}

let jobCounter = 0;
function planFor(source: DataSourceInfo, overrides: Partial<PagePlan> = {}): PagePlan {
  jobCounter += 1;
  return {
    jobId: `00000000-0000-4000-8000-${String(jobCounter).padStart(12, "0")}`,
    dataSourceId: source.dataSourceId,
    properties: source.properties,
    summary: fillSummary(buildSummarySchema(source.properties).schema),
    sourceUrl: `https://www.tiktok.com/@cook/video/73000000000000${String(jobCounter).padStart(5, "0")}`,
    transcript: "Today we make crispy tofu. First press it.",
    onScreenText: "CRISPY TOFU\n10 MIN",
    today: "2025-06-01",
    ...overrides,
  };
}

function recorder() {
  const recorded: { pageId: string; url: string }[] = [];
  return { recorded, checkpoint: { onPageCreated: async (pageId: string, url: string) => void recorded.push({ pageId, url }) } };
}

function allText(blocks: BlockView[]): string {
  return blocks.map((b) => b.plainText + allText(b.children)).join("");
}

function transcriptOf(emulator: NotionEmulator, pageId: string): string {
  const toggle = emulator.blocksOf(pageId).find((b) => b.type === "toggle")!;
  return toggle.children.map((c) => c.plainText).join("");
}

const FIXTURES = readdirSync(new URL("../fixtures/workspaces/", import.meta.url)).map((f) => f.replace(/\.json$/, ""));

describe("publishing into every workspace fixture", () => {
  it("has at least ten fixtures", () => {
    expect(FIXTURES.length).toBeGreaterThanOrEqual(10);
  });

  it.each(FIXTURES)("%s: every data source gets a page the emulator accepts, the link in the right property", async (fixture) => {
    const { emulator, api, token, sources } = await start(fixture);
    expect(sources.length).toBe(emulator.workspace.dataSources.length);
    for (const source of sources) {
      const plan = planFor(source);
      const { recorded, checkpoint } = recorder();
      const result = await publishPage(api, token, plan, checkpoint);
      expect(recorded).toEqual([result]);
      const page = emulator.pages.find((p) => p.id === result.pageId)!;
      expect(page.dataSourceId).toBe(source.dataSourceId);
      const sourceProperty = findSourceUrlProperty(source.properties);
      if (sourceProperty) expect(page.properties[sourceProperty]).toBe(plan.sourceUrl);
      const saved = findSavedDateProperty(source.properties);
      if (saved) expect(page.properties[saved]).toMatchObject({ start: "2025-06-01" });
      expect(page.cover).toBeNull();
      const blocks = emulator.blocksOf(result.pageId);
      expect(blocks.map((b) => b.type)).toEqual([
        "paragraph",
        "paragraph",
        "heading_3",
        "bulleted_list_item",
        "bulleted_list_item",
        "bulleted_list_item",
        "heading_3",
        "paragraph",
        "toggle",
        "bookmark",
      ]);
      expect(blocks.at(-1)!.content).toMatchObject({ url: plan.sourceUrl });
    }
  });
});

describe("pictures", () => {
  it("uses the first uploaded picture as the cover and puts every picture, in order, after the key points", async () => {
    const { emulator, api, token, sources } = await start("recipes");
    const ids: string[] = [];
    for (const name of ["one.jpg", "two.jpg"]) {
      ids.push((await api.uploadFile(token, { filename: name, contentType: "image/jpeg", data: new Uint8Array([0xff, 0xd8, 0xff]) })).id);
    }
    const result = await publishPage(api, token, planFor(sources[0]!, { pictures: ids }), recorder().checkpoint);
    const page = emulator.pages.find((p) => p.id === result.pageId)!;
    expect(page.cover).toEqual({ type: "file_upload", file_upload: { id: ids[0] } });
    const blocks = emulator.blocksOf(result.pageId);
    const images = blocks.filter((b) => b.type === "image");
    expect(images.map((b) => (b.content.file_upload as { id: string }).id)).toEqual(ids);
    expect(blocks.findIndex((b) => b.type === "image")).toBe(blocks.findLastIndex((b) => b.type === "bulleted_list_item") + 1);
    expect(emulator.fileUploads.every((u) => u.expiresAt === null)).toBe(true);
  });
});

describe("long bodies", () => {
  it("writes a 30,000-character transcript whole and in order across appended blocks", async () => {
    const { emulator, api, token, sources } = await start("recipes");
    const words = Array.from({ length: 6000 }, (_, i) => `w${i}`).join(" ");
    const transcript = `${words} ${"é🙂".repeat(4000)}`.slice(0, 30_000);
    const result = await publishPage(api, token, planFor(sources[0]!, { transcript }), recorder().checkpoint);
    expect(transcript.length).toBeGreaterThanOrEqual(29_999);
    expect(transcriptOf(emulator, result.pageId)).toBe(transcript);
  });

  it("splits a body beyond 100 blocks and 500 KB into ordered requests", async () => {
    const { emulator, api, token, sources } = await start("recipes");
    const keyPoints = Array.from({ length: 150 }, (_, i) => `Point number ${i}`);
    const transcript = "漢字かな交じり文".repeat(200_000 / 8);
    const plan = planFor(sources[0]!, { transcript });
    plan.summary = { ...plan.summary, keyPoints };
    const result = await publishPage(api, token, plan, recorder().checkpoint);
    const blocks = emulator.blocksOf(result.pageId);
    const bullets = blocks.filter((b) => b.type === "bulleted_list_item").map((b) => b.plainText);
    expect(bullets).toEqual(keyPoints);
    expect(transcriptOf(emulator, result.pageId)).toBe(transcript);
    expect(blocks.at(-1)!.type).toBe("bookmark");
    const writes = emulator.requests.filter((r) => r.method !== "GET" && r.status === 200);
    for (const write of writes) expect(Buffer.byteLength(JSON.stringify(write.body))).toBeLessThan(500_000);
    expect(writes.filter((w) => w.path.endsWith("/children")).length).toBeGreaterThan(1);
    expect(allText(blocks)).toContain("Point number 149");
  });
});

describe("exactly one page per job", () => {
  it("after a crash between create and store, a retry finds the page and finishes it", async () => {
    const { emulator, api, token, sources } = await start("recipes");
    // Larger than one request, so the crash leaves a page with only part of its body.
    const plan = planFor(sources[0]!, { transcript: "t".repeat(600_000) });
    const crash = new Error("worker died before saving the page id");
    await expect(publishPage(api, token, plan, { onPageCreated: async () => Promise.reject(crash) })).rejects.toBe(crash);
    expect(emulator.pages).toHaveLength(1);
    expect(transcriptOf(emulator, emulator.pages[0]!.id).length).toBeLessThan(plan.transcript.length);

    const { recorded, checkpoint } = recorder();
    const result = await publishPage(api, token, plan, checkpoint);
    expect(emulator.pages).toHaveLength(1);
    expect(recorded).toEqual([{ pageId: emulator.pages[0]!.id, url: emulator.pages[0]!.url }]);
    expect(result.pageId).toBe(emulator.pages[0]!.id);
    expect(transcriptOf(emulator, result.pageId)).toBe(plan.transcript);
  });

  it("finds the crashed attempt's page by title when the data source has no url property", async () => {
    const { emulator, api, token, sources } = await start("no-url");
    const plan = planFor(sources[0]!);
    await expect(publishPage(api, token, plan, { onPageCreated: () => Promise.reject(new Error("crash")) })).rejects.toThrow("crash");
    await publishPage(api, token, plan, recorder().checkpoint);
    expect(emulator.pages).toHaveLength(1);
  });

  it("does not mistake another job's page with the same link for its own", async () => {
    const { emulator, api, token, sources } = await start("recipes");
    const first = planFor(sources[0]!);
    await publishPage(api, token, first, recorder().checkpoint);
    await publishPage(api, token, { ...planFor(sources[0]!), sourceUrl: first.sourceUrl }, recorder().checkpoint);
    expect(emulator.pages).toHaveLength(2);
  });

  it("resumes a recorded page without writing its body twice", async () => {
    const { emulator, api, token, sources } = await start("recipes");
    const plan = planFor(sources[0]!);
    const first = await publishPage(api, token, plan, recorder().checkpoint);
    const before = JSON.stringify(emulator.blocksOf(first.pageId));
    const again = await publishPage(api, token, plan, { existingPageId: first.pageId, onPageCreated: async () => undefined });
    expect(again).toEqual(first);
    expect(JSON.stringify(emulator.blocksOf(first.pageId))).toBe(before);
    expect(emulator.pages).toHaveLength(1);
  });

  it("when Notion made the page but its answer was lost, finds that page instead of making another", async () => {
    const { emulator, api, token, sources } = await start("workouts");
    const plan = planFor(sources[0]!);
    emulator.loseNextResponse((req) => req.method === "POST" && req.path === "/v1/pages");
    const { recorded, checkpoint } = recorder();
    const result = await publishPage(api, token, plan, checkpoint);
    expect(emulator.pages).toHaveLength(1);
    expect(recorded).toEqual([{ pageId: emulator.pages[0]!.id, url: emulator.pages[0]!.url }]);
    expect(result.pageId).toBe(emulator.pages[0]!.id);
  });

  it("a first publish, which no earlier attempt can have begun, creates the page without looking for it first; a resumed one looks", async () => {
    const { emulator, api, token, sources } = await start("workouts");
    const queries = () => emulator.requests.filter((r) => r.method === "POST" && r.path.endsWith("/query")).length;
    await publishPage(api, token, planFor(sources[0]!), { ...recorder().checkpoint, mayExist: false });
    expect(queries()).toBe(0);
    expect(emulator.pages).toHaveLength(1);
    // A lost answer on a first publish is still looked for before trying again: never a second page.
    emulator.loseNextResponse((req) => req.method === "POST" && req.path === "/v1/pages");
    await publishPage(api, token, planFor(sources[0]!), { ...recorder().checkpoint, mayExist: false });
    expect(emulator.pages).toHaveLength(2);
    expect(queries()).toBe(1);
    await publishPage(api, token, planFor(sources[0]!), recorder().checkpoint);
    expect(queries()).toBe(2);
  });

  it("when a create failed before Notion did anything, creates after looking", async () => {
    const { emulator, api, token, sources } = await start("workouts");
    emulator.failNext({ kind: "500" }, (req) => req.method === "POST" && req.path === "/v1/pages");
    await publishPage(api, token, planFor(sources[0]!), recorder().checkpoint);
    expect(emulator.pages).toHaveLength(1);
    expect(emulator.requests.filter((r) => r.path === "/v1/pages").map((r) => r.status)).toEqual([500, 200]);
  });

  it("when an append's answer is lost, re-reads the page and does not duplicate blocks", async () => {
    const { emulator, api, token, sources } = await start("recipes");
    const plan = planFor(sources[0]!, { transcript: "a".repeat(700_000) });
    emulator.loseNextResponse((req) => req.method === "PATCH");
    const result = await publishPage(api, token, plan, recorder().checkpoint);
    expect(transcriptOf(emulator, result.pageId)).toBe(plan.transcript);
    expect(emulator.blocksOf(result.pageId).filter((b) => b.type === "bookmark")).toHaveLength(1);
  });
});

describe("errors a person can act on", () => {
  it("a revoked connection is notion_revoked with the reconnect sentence", async () => {
    const { emulator, api, token, sources } = await start("recipes");
    emulator.revokeToken(token);
    const error = await publishPage(api, token, planFor(sources[0]!), recorder().checkpoint).catch((e) => e);
    expect(error).toBeInstanceOf(UserFacingError);
    expect(error).toMatchObject({ kind: "notion_revoked", userMessage: "Your Notion connection was removed. Send /start to connect again." });
  });

  it("a deleted data source is notion_database_deleted", async () => {
    const { emulator, api, token, sources } = await start("recipes");
    emulator.deleteDataSource(sources[0]!.dataSourceId);
    await expect(publishPage(api, token, planFor(sources[0]!), recorder().checkpoint)).rejects.toMatchObject({ kind: "notion_database_deleted" });
  });

  it("a schema that changed under us is notion_validation", async () => {
    const { emulator, api, token, sources } = await start("recipes");
    const stale = { ...sources[0]!, properties: { ...sources[0]!.properties, Gone: { id: "gone", name: "Gone", type: "rich_text" } } };
    const plan = planFor(stale);
    plan.summary.properties.Gone = "value for a column someone deleted";
    await expect(publishPage(api, token, plan, recorder().checkpoint)).rejects.toMatchObject({ kind: "notion_validation" });
    expect(emulator.pages).toHaveLength(0);
  });

  it("5xx that outlast the retries become a TransientError", async () => {
    const { emulator, api, token, sources } = await start("recipes", { api: { retries: 2, backoffMs: 5 } });
    for (let i = 0; i < 10; i += 1) emulator.failNext({ kind: "503" });
    const error = await publishPage(api, token, planFor(sources[0]!), recorder().checkpoint).catch((e) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect(error.kind).toBe("server_error");
  });
});

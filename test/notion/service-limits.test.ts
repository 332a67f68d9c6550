import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { TransientError } from "../../src/errors.ts";
import { createNotionApi } from "../../src/notion/client.ts";
import { discoverDataSources } from "../../src/notion/discovery.ts";
import { NotionRateLimitedError } from "../../src/notion/errors.ts";
import { publishPage, type PagePlan } from "../../src/notion/publish.ts";
import { createNotionRateLimiter } from "../../src/notion/rate-limit.ts";
import { buildSummarySchema } from "../../src/notion/schema-mapping.ts";
import { RATE_LIMIT_REASONS, type NotionEmulator } from "../emulators/notion/index.ts";
import { TEST_REDIS_URL, testRedisPrefix } from "../harness/redis.ts";
import { fillSummary } from "./fill-summary.ts";
import { emulatorWithApi, quietLog } from "./setup.ts";

const running: NotionEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
});

const isCreate = (req: { method: string; path: string }) => req.method === "POST" && req.path === "/v1/pages";
const isSearch = (req: { method: string; path: string }) => req.method === "POST" && req.path === "/v1/search";

async function world(api: Parameters<typeof emulatorWithApi>[1] = {}) {
  const made = await emulatorWithApi("watch-later", api);
  running.push(made.emulator);
  const token = made.emulator.grantToken();
  const [source] = await discoverDataSources(made.api, token);
  const plan: PagePlan = {
    jobId: "job-limits",
    dataSourceId: source!.dataSourceId,
    properties: source!.properties,
    summary: fillSummary(buildSummarySchema(source!.properties).schema),
    sourceUrl: "https://www.instagram.com/reel/Climits/",
    transcript: "Said in the video.",
    onScreenText: "",
    today: "2025-06-01",
  };
  return { ...made, token, plan };
}

describe("Notion's 529 service_overload on page creation", () => {
  it("retries after a 529 that came before any work and makes the page", async () => {
    const { emulator, api, token, plan } = await world();
    emulator.overloadNext({ retryAfterSeconds: 1, match: isCreate });
    const page = await publishPage(api, token, plan, { onPageCreated: async () => undefined });
    expect(emulator.pages.map((p) => p.id)).toEqual([page.pageId]);
    expect(emulator.requests.filter(isCreate).map((r) => r.status)).toEqual([529, 200]);
  });

  it("after a 529 whose page was made anyway, finds the page by its job marker instead of making a second", async () => {
    const { emulator, api, token, plan } = await world();
    emulator.overloadNext({ retryAfterSeconds: 1, afterWork: true, match: isCreate });
    const recorded: string[] = [];
    const page = await publishPage(api, token, plan, { onPageCreated: async (id) => void recorded.push(id) });
    expect(emulator.pages).toHaveLength(1);
    expect(recorded).toEqual([page.pageId]);
    expect(emulator.requests.filter(isCreate).map((r) => r.status)).toEqual([529]);
  });
});

describe("Notion's 429 with a long Retry-After and additional_data.rate_limit_reason", () => {
  it("hands a per-workspace Retry-After of a minute and a half back to the job at once instead of holding the worker", async () => {
    const { emulator, api, token } = await world();
    emulator.rateLimitNext({ reason: RATE_LIMIT_REASONS.workspace, retryAfterSeconds: 90, match: isSearch });
    const failure = await api.searchDataSources(token).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(NotionRateLimitedError);
    expect(failure).toBeInstanceOf(TransientError);
    expect(failure).toMatchObject({ scope: "workspace", reason: "workspace_rate_limit", retryAfterMs: 90_000 });
    expect(emulator.requests.filter(isSearch).map((r) => r.status)).toEqual([200, 429]);
  });

  it("waits out a short per-connection Retry-After inside the call and then succeeds", async () => {
    const { emulator, api, token } = await world();
    emulator.rateLimitNext({ reason: RATE_LIMIT_REASONS.connection, retryAfterSeconds: 1, match: isSearch });
    const list = await api.searchDataSources(token);
    expect(list.results.length).toBeGreaterThan(0);
    const searches = emulator.requests.filter(isSearch);
    expect(searches.map((r) => r.status)).toEqual([200, 429, 200]);
    expect(searches[2]!.at - searches[1]!.at).toBeGreaterThanOrEqual(1000);
  });

  it("holds back another connection of the same workspace after a per-workspace 429, but not one of another workspace", async () => {
    // Nothing is waited out inside a call here, so the pause is all that holds the others back.
    const { emulator, api, token } = await world({ api: { maxRetryAfterMs: 0 } });
    const sameWorkspace = emulator.grantToken();
    const otherWorkspace = emulator.grantToken();
    api.bindWorkspace(token, "ws-shared");
    api.bindWorkspace(sameWorkspace, "ws-shared");
    api.bindWorkspace(otherWorkspace, "ws-other");
    emulator.rateLimitNext({ reason: RATE_LIMIT_REASONS.workspace, retryAfterSeconds: 2, match: isSearch });
    await expect(api.searchDataSources(token)).rejects.toBeInstanceOf(NotionRateLimitedError);
    const limitedAt = emulator.requests.find((r) => r.status === 429)!.at;
    await Promise.all([api.searchDataSources(sameWorkspace), api.searchDataSources(otherWorkspace)]);
    const bySearchToken = (t: string) => emulator.requests.find((r) => isSearch(r) && r.headers.authorization === `Bearer ${t}`)!;
    expect(bySearchToken(sameWorkspace).at - limitedAt).toBeGreaterThanOrEqual(1900);
    expect(bySearchToken(otherWorkspace).at - limitedAt).toBeLessThan(bySearchToken(sameWorkspace).at - limitedAt);
  });
});

describe("Notion's limits shared by every process through Redis", () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL, { keyPrefix: testRedisPrefix("notion-limits"), maxRetriesPerRequest: 1 });
  });
  afterAll(() => redis.disconnect());

  it("a per-workspace pause one process was told about holds back the same workspace's requests in another process", async () => {
    const { emulator, config, token } = await world();
    const process = () => createNotionApi(config, quietLog, { backoffMs: 20, maxRetryAfterMs: 0, limiter: createNotionRateLimiter(100, redis) });
    const [first, second] = [process(), process()];
    const colleague = emulator.grantToken();
    first.bindWorkspace(token, "ws-redis");
    second.bindWorkspace(colleague, "ws-redis");
    emulator.rateLimitNext({ reason: RATE_LIMIT_REASONS.workspace, retryAfterSeconds: 2, match: isSearch });
    await expect(first.searchDataSources(token)).rejects.toBeInstanceOf(NotionRateLimitedError);
    const limitedAt = emulator.requests.find((r) => r.status === 429)!.at;
    await second.searchDataSources(colleague);
    const colleagueSearch = emulator.requests.find((r) => isSearch(r) && r.headers.authorization === `Bearer ${colleague}`)!;
    expect(colleagueSearch.at - limitedAt).toBeGreaterThanOrEqual(1900);
  });

  it("two processes share one connection's budget: 12 requests at 3 per second take at least three seconds together", async () => {
    const { emulator, config, token } = await world();
    const before = emulator.requests.length;
    const apis = [0, 1].map(() => createNotionApi(config, quietLog, { backoffMs: 20, limiter: createNotionRateLimiter(3, redis) }));
    await Promise.all(Array.from({ length: 12 }, (_, i) => apis[i % 2]!.searchDataSources(token)));
    const sent = emulator.requests.slice(before).filter(isSearch);
    expect(sent).toHaveLength(12);
    expect(sent.at(-1)!.at - sent[0]!.at).toBeGreaterThanOrEqual(3000);
  });
});

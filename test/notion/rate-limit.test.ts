import { afterEach, describe, expect, it } from "vitest";
import { discoverDataSources } from "../../src/notion/discovery.ts";
import { publishPage } from "../../src/notion/publish.ts";
import { buildSummarySchema } from "../../src/notion/schema-mapping.ts";
import type { NotionEmulator } from "../emulators/notion/index.ts";
import { fillSummary } from "./fill-summary.ts";
import { emulatorWithApi } from "./setup.ts";

const running: NotionEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
});

/** Publishes `count` pages at once for one connection and reports how it went. */
async function publishMany(count: number, clientRate: number) {
  const { emulator, api } = await emulatorWithApi("watch-later", { rateLimit: { requestsPerSecond: 3 }, requestsPerSecond: clientRate });
  running.push(emulator);
  const token = emulator.grantToken();
  const [source] = await discoverDataSources(api, token);
  const summary = fillSummary(buildSummarySchema(source!.properties).schema);
  const started = Date.now();
  const outcomes = await Promise.allSettled(
    Array.from({ length: count }, (_, i) =>
      publishPage(
        api,
        token,
        {
          jobId: `job-${i}`,
          dataSourceId: source!.dataSourceId,
          properties: source!.properties,
          summary,
          sourceUrl: `https://www.instagram.com/reel/C${i}xyz/`,
          transcript: `Transcript number ${i}.`,
          onScreenText: "",
          today: "2025-06-01",
        },
        { onPageCreated: async () => undefined },
      ),
    ),
  );
  return { emulator, outcomes, wallMs: Date.now() - started };
}

describe("Notion's rate limit of about 3 requests per second per connection", () => {
  it("20 publishes against a 3 requests/s limiter all succeed", async () => {
    const { emulator, outcomes, wallMs } = await publishMany(20, 3);
    expect(outcomes.filter((o) => o.status === "rejected")).toEqual([]);
    expect(emulator.pages).toHaveLength(20);
    console.info(`20 publishes at 3 req/s: ${wallMs} ms wall, ${emulator.requests.length} requests, ${emulator.rateLimited} answered 429`);
  });

  it("a client set faster than the limit still finishes every publish by honouring Retry-After", async () => {
    const { emulator, outcomes } = await publishMany(6, 20);
    expect(outcomes.filter((o) => o.status === "rejected")).toEqual([]);
    expect(emulator.pages).toHaveLength(6);
    expect(emulator.rateLimited).toBeGreaterThan(0);
  });
});

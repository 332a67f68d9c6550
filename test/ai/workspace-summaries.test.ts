import { readdirSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkAgainstSchema, createGeminiSummarizer } from "../../src/ai/index.ts";
import { buildSummarySchema, type NotionProperties } from "../../src/notion/schema-mapping.ts";
import type { SummaryInput } from "../../src/summary.ts";
import { startGeminiEmulator, type GeminiEmulator } from "../emulators/gemini.ts";
import { capturingLogger } from "./log-capture.ts";

/**
 * The summariser against the schema the Notion room derives from every workspace fixture:
 * Gemini (emulated) accepts each schema, and each answer validates against it.
 */

const FIXTURES = new URL("../fixtures/workspaces/", import.meta.url);
const dataSources = readdirSync(FIXTURES)
  .filter((file) => file.endsWith(".json"))
  .flatMap((file) => {
    const fixture = JSON.parse(readFileSync(new URL(file, FIXTURES), "utf8")) as { dataSources: { title: string; properties: NotionProperties }[] };
    return fixture.dataSources.map((source) => ({ label: `${file} / ${source.title}`, properties: source.properties }));
  });

/** A video that mentions the first option of every choice property, a number and a date. */
function inputFor(properties: NotionProperties, propertyGuide: string): SummaryInput {
  const firstOptions = Object.values(properties).flatMap((p) => {
    const holder = (p.select ?? p.multi_select ?? p.status) as { options: { name: string }[] } | undefined;
    return holder?.options[0] ? [holder.options[0].name] : [];
  });
  return {
    sourceUrl: "https://www.tiktok.com/@someone/video/7300000000000000002",
    caption: "Saved for later #test",
    hashtags: ["test"],
    transcript: `This video is about ${firstOptions.join(", ") || "nothing in particular"}. It takes 30 minutes. Filmed on 2025-03-14.`,
    onScreenText: "Remember this",
    propertyGuide,
  };
}

let emulator: GeminiEmulator;

beforeAll(async () => {
  emulator = await startGeminiEmulator();
});

afterAll(async () => {
  await emulator.stop();
});

describe("summaries for every workspace fixture", () => {
  it("has workspace fixtures to check", () => {
    expect(dataSources.length).toBeGreaterThan(0);
  });

  it.each(dataSources)("validates for $label", async ({ properties }) => {
    const { schema, propertyGuide } = buildSummarySchema(properties);
    const summarizer = createGeminiSummarizer(
      { apiKey: emulator.apiKey, baseUrl: emulator.url, model: "gemini-2.5-flash", timeoutMs: 10_000 },
      capturingLogger().log,
    );
    const summary = await summarizer.summarize(inputFor(properties, propertyGuide), schema);
    expect(checkAgainstSchema(summary, schema)).toEqual([]);
    expect(Object.keys(summary.properties).sort()).toEqual(Object.keys(schema.properties!.properties!.properties ?? {}).sort());
  });
});

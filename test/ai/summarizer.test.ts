import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AiRequestError, checkAgainstSchema, createGeminiSummarizer, createSummarizer } from "../../src/ai/index.ts";
import { loadConfig } from "../../src/config.ts";
import { TransientError, UserFacingError } from "../../src/errors.ts";
import type { SummarySchema } from "../../src/summary.ts";
import { startGeminiEmulator, type GeminiEmulator } from "../emulators/gemini.ts";
import { expectRetryAfterRespected, failThirtyPercent } from "./fault-pauses.ts";
import { capturingLogger, usageLogged } from "./log-capture.ts";
import { RECIPE_INPUT, RECIPE_SCHEMA } from "./summary-schema.ts";

const quickRetries = { retries: 6, minDelayMs: 20, maxDelayMs: 200, maxRetryAfterMs: 5_000 };

let emulator: GeminiEmulator;

beforeAll(async () => {
  emulator = await startGeminiEmulator();
});

afterAll(async () => {
  await emulator.stop();
});

function summarizer(log = capturingLogger().log, options: { apiKey?: string; timeoutMs?: number; retries?: number } = {}) {
  return createGeminiSummarizer(
    {
      apiKey: options.apiKey ?? emulator.apiKey,
      baseUrl: emulator.url,
      model: "gemini-2.5-flash",
      timeoutMs: options.timeoutMs ?? 10_000,
      retry: { ...quickRetries, retries: options.retries ?? quickRetries.retries },
    },
    log,
  );
}

function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe("Gemini summariser against the emulator", () => {
  it("fills the schema from what the video says: 45 minutes lands in Minutes, mentioned options only", async () => {
    const { log, lines } = capturingLogger();
    const summary = await summarizer(log).summarize(RECIPE_INPUT, RECIPE_SCHEMA, { jobId: "job-sum" });
    expect(checkAgainstSchema(summary, RECIPE_SCHEMA)).toEqual([]);
    expect(summary.properties).toMatchObject({ Minutes: 45, Cuisine: "Italian", "Made it": false, "Cooked on": null });
    expect([...(summary.properties.Tags as string[])].sort()).toEqual(["Pasta", "Quick"]);
    expect(summary.title).toBe("Weeknight pasta");
    expect(summary.keyPoints.length).toBeGreaterThan(0);
    expect(Object.keys(summary.properties)).toContain("Café ☕ 笔记");
    const usage = usageLogged(lines, "job-sum");
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({ provider: "gemini" });
    expect(usage[0]!.inputTokens).toBeGreaterThan(0);
    expect(usage[0]!.outputTokens).toBeGreaterThan(0);
  });

  it("sends the schema as responseSchema with responseMimeType application/json", async () => {
    await summarizer().summarize(RECIPE_INPUT, RECIPE_SCHEMA);
    const body = emulator.requests.at(-1)!.body as { generationConfig: { responseMimeType: string; responseSchema: SummarySchema } };
    expect(body.generationConfig.responseMimeType).toBe("application/json");
    expect(body.generationConfig.responseSchema.properties?.properties?.properties?.["Café ☕ 笔记"]).toEqual({ type: "STRING", nullable: true });
  });

  it("asks once more when the answer is not valid JSON, and uses the repaired answer", async () => {
    emulator.answerNext({ kind: "invalid_json" });
    const before = emulator.calls.length;
    const summary = await summarizer().summarize(RECIPE_INPUT, RECIPE_SCHEMA);
    expect(summary.properties.Minutes).toBe(45);
    expect(emulator.calls.length - before).toBe(2);
    expect(emulator.calls.at(-1)!.userText).toContain("That answer cannot be used");
  });

  it("fails with summary_invalid when the repaired answer still does not fit the schema", async () => {
    emulator.answerNext({ kind: "text", text: '{"title": 5}' });
    emulator.answerNext({ kind: "invalid_json" });
    const before = emulator.calls.length;
    const failure = await failureOf(summarizer().summarize(RECIPE_INPUT, RECIPE_SCHEMA));
    expect(failure).toBeInstanceOf(UserFacingError);
    expect(failure).toMatchObject({ kind: "summary_invalid" });
    expect(emulator.calls.length - before).toBe(2);
  });

  it.each([
    ["safety", "what it shows or says"],
    ["prompt_blocked", "what it shows or says"],
    ["recitation", "protected text"],
  ] as const)("turns a %s refusal into summary_blocked with a sentence for the person", async (kind, words) => {
    emulator.answerNext({ kind });
    const failure = await failureOf(summarizer().summarize(RECIPE_INPUT, RECIPE_SCHEMA));
    expect(failure).toMatchObject({ kind: "summary_blocked" });
    expect((failure as UserFacingError).userMessage).toContain(words);
  });

  it("is not created without a Gemini key", () => {
    expect(createSummarizer(loadConfig({}), capturingLogger().log)).toBeUndefined();
    expect(createSummarizer(loadConfig({ GEMINI_API_KEY: "g" }), capturingLogger().log)).toBeDefined();
  });
});

describe("Gemini summariser failures", () => {
  it("fails at once with a request error when Gemini answers 400 (a schema keyword it does not accept)", async () => {
    const withRef = { ...RECIPE_SCHEMA, properties: { ...RECIPE_SCHEMA.properties, title: { type: "STRING", $ref: "#/x" } } } as unknown as SummarySchema;
    const before = emulator.requests.length;
    const failure = await failureOf(summarizer().summarize(RECIPE_INPUT, withRef));
    expect(failure).toBeInstanceOf(AiRequestError);
    expect(failure).toMatchObject({ status: 400 });
    expect((failure as Error).message).toContain('Unknown name "$ref"');
    expect(emulator.requests.length - before).toBe(1);
  });

  it("fails at once with a request error on a wrong API key", async () => {
    const before = emulator.requests.length;
    const failure = await failureOf(summarizer(undefined, { apiKey: "wrong" }).summarize(RECIPE_INPUT, RECIPE_SCHEMA));
    expect(failure).toBeInstanceOf(AiRequestError);
    expect((failure as Error).message).toContain("API key not valid");
    expect(emulator.requests.length - before).toBe(1);
  });

  it("succeeds on every call with 30% of calls failing with 429/503, waiting out each Retry-After", async () => {
    const flaky = await startGeminiEmulator();
    failThirtyPercent(flaky.behaviour);
    try {
      const client = createGeminiSummarizer({ apiKey: flaky.apiKey, baseUrl: flaky.url, model: "gemini-2.5-flash", timeoutMs: 5_000, retry: quickRetries }, capturingLogger().log);
      for (let call = 0; call < 12; call++) expect((await client.summarize(RECIPE_INPUT, RECIPE_SCHEMA)).properties.Minutes).toBe(45);
      expectRetryAfterRespected("gemini", 12, flaky.requests);
    } finally {
      await flaky.stop();
    }
  });

  it("gives up with a TransientError when every attempt times out", async () => {
    emulator.failNext({ kind: "hang" });
    emulator.failNext({ kind: "hang" });
    const failure = await failureOf(summarizer(undefined, { timeoutMs: 300, retries: 1 }).summarize(RECIPE_INPUT, RECIPE_SCHEMA));
    expect(failure).toBeInstanceOf(TransientError);
    expect(failure).toMatchObject({ kind: "timeout" });
  });
});

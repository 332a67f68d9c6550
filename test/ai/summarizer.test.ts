import { BlockedReason, FinishReason } from "@google/genai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FINISH_OUTCOMES } from "../../src/ai/summarizer.ts";
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

  it.each([
    ["spanish", undefined, 'The speech in the video was detected as Spanish: write "title", "summary" and "keyPoints" in Spanish.'],
    ["pt", undefined, "detected as Portuguese"],
    ["spanish", "Japanese", '"keyPoints" in Japanese, whatever language the video speaks.'],
  ])("asks for the summary in the detected speech language %s unless the person chose %s", async (spokenLanguage, language, sentence) => {
    await summarizer().summarize({ ...RECIPE_INPUT, spokenLanguage, ...(language ? { language } : {}) }, RECIPE_SCHEMA);
    const prompt = emulator.calls.at(-1)!.userText;
    expect(prompt).toContain(sentence);
    if (language) expect(prompt).not.toContain("detected as");
  });

  it("is not created without a Gemini key", () => {
    expect(createSummarizer(loadConfig({}), capturingLogger().log)).toBeUndefined();
    expect(createSummarizer(loadConfig({ GEMINI_API_KEY: "g" }), capturingLogger().log)).toBeDefined();
  });
});

describe("every finish reason the SDK enumerates", () => {
  it.each(Object.values(FinishReason))("%s has a decided outcome and the summariser acts on it", async (reason) => {
    const outcome = FINISH_OUTCOMES[reason];
    expect(outcome, `${reason} is new in @google/genai: decide it in FINISH_OUTCOMES`).toBeDefined();
    emulator.answerNext({ kind: "finish", reason });
    const before = emulator.calls.length;
    const result = await summarizer()
      .summarize(RECIPE_INPUT, RECIPE_SCHEMA)
      .then(
        (summary) => ({ summary }),
        (error: unknown) => ({ error }),
      );
    if (outcome === "answer") expect(result).toMatchObject({ summary: { properties: { Minutes: 45 } } });
    if (outcome === "too_long") {
      // Asked once more for a tighter answer, which fits.
      expect(result).toMatchObject({ summary: { properties: { Minutes: 45 } } });
      expect(emulator.calls.length - before).toBe(2);
      expect(emulator.calls.at(-1)!.userText).toContain("Your answer was cut off at the output limit");
    }
    if (outcome === "blocked") expect(result).toMatchObject({ error: { kind: "summary_blocked", userMessage: expect.stringContaining("what it shows or says") } });
    if (outcome === "recitation") expect(result).toMatchObject({ error: { kind: "summary_blocked", userMessage: expect.stringContaining("protected text") } });
    if (outcome === "unusable") expect(result).toMatchObject({ error: { kind: "summary_invalid" } });
  });

  it("gives up with summary_invalid when the tighter answer is cut off too", async () => {
    emulator.answerNext({ kind: "finish", reason: "MAX_TOKENS" });
    emulator.answerNext({ kind: "finish", reason: "MAX_TOKENS" });
    const failure = await failureOf(summarizer().summarize(RECIPE_INPUT, RECIPE_SCHEMA));
    expect(failure).toMatchObject({ kind: "summary_invalid" });
  });

  it.each(Object.values(BlockedReason))("a prompt blocked for %s is a refusal with a sentence for the person", async (reason) => {
    emulator.answerNext({ kind: "prompt_blocked", reason });
    const failure = await failureOf(summarizer().summarize(RECIPE_INPUT, RECIPE_SCHEMA));
    expect(failure).toMatchObject({ kind: "summary_blocked", userMessage: expect.stringContaining("what it shows or says") });
  });
});

describe("Gemini summariser with a schema too complex to serve", () => {
  const cuisines = ["Italian", ...Array.from({ length: 59 }, (_, i) => `Regional cuisine number ${i + 1}`)];
  const bigSchema: SummarySchema = structuredClone(RECIPE_SCHEMA);
  bigSchema.properties!.properties!.properties!.Cuisine = { type: "STRING", enum: cuisines, nullable: true };
  const bigInput = {
    ...RECIPE_INPUT,
    propertyGuide: RECIPE_INPUT.propertyGuide.replace(/- "Cuisine".*/, `- "Cuisine" (select; options: ${cuisines.map((c) => JSON.stringify(c)).join(", ")})`),
  };

  async function withStateLimit<T>(limit: number, work: (client: ReturnType<typeof summarizer>, gemini: GeminiEmulator) => Promise<T>): Promise<T> {
    const strict = await startGeminiEmulator({ maxEnumValues: limit });
    try {
      const client = createGeminiSummarizer({ apiKey: strict.apiKey, baseUrl: strict.url, model: "gemini-2.5-flash", timeoutMs: 10_000, retry: quickRetries }, capturingLogger().log);
      return await work(client, strict);
    } finally {
      await strict.stop();
    }
  }

  const sentSchemas = (gemini: GeminiEmulator) =>
    gemini.requests.map((r) => (r.body as { generationConfig: { responseSchema: SummarySchema } }).generationConfig.responseSchema.properties!.properties!.properties!);

  it("drops the long option list after Gemini's 400 'too many states', keeps the short one, and still files the video", async () => {
    await withStateLimit(40, async (client, gemini) => {
      const summary = await client.summarize(bigInput, bigSchema);
      expect(summary.properties).toMatchObject({ Cuisine: "Italian", Minutes: 45 });
      expect([...(summary.properties.Tags as string[])].sort()).toEqual(["Pasta", "Quick"]);
      expect(gemini.requests.map((r) => r.status)).toEqual([400, 200]);
      const [first, second] = sentSchemas(gemini);
      expect(first!.Cuisine!.enum).toHaveLength(60);
      expect(second!.Cuisine!.enum).toBeUndefined();
      expect(second!.Tags!.items!.enum).toEqual(["Quick", "Vegan", "Dessert", "Pasta"]);
    });
  });

  it("drops every option list when the long ones were not enough", async () => {
    await withStateLimit(2, async (client, gemini) => {
      const summary = await client.summarize(bigInput, bigSchema);
      expect(summary.properties.Cuisine).toBe("Italian");
      expect(gemini.requests.map((r) => r.status)).toEqual([400, 400, 200]);
      expect(sentSchemas(gemini)[2]!.Tags!.items!.enum).toBeUndefined();
    });
  });

  it("checks the answer against every option on our side: a value outside the list is sent back to be fixed", async () => {
    await withStateLimit(40, async (client, gemini) => {
      gemini.answerNext({ kind: "text", text: JSON.stringify({ title: "Pasta", summary: "Pasta.", keyPoints: ["Pasta."], properties: { Cuisine: "Thai" } }) });
      const summary = await client.summarize(bigInput, bigSchema);
      expect(summary.properties.Cuisine).toBe("Italian");
      expect(gemini.calls).toHaveLength(2);
      expect(gemini.calls[1]!.userText).toContain('"Thai" is not one of');
      expect(gemini.requests.map((r) => r.status)).toEqual([400, 200, 200]);
    });
  });

  it("gives up with the request error when no option list is left to drop", async () => {
    // A limit below zero: Gemini refuses even a schema without any option list.
    await withStateLimit(-1, async (client, gemini) => {
      const noEnums = structuredClone(RECIPE_SCHEMA);
      delete noEnums.properties!.properties!.properties!.Cuisine!.enum;
      delete noEnums.properties!.properties!.properties!.Tags!.items!.enum;
      const failure = await failureOf(client.summarize(RECIPE_INPUT, noEnums));
      expect(failure).toBeInstanceOf(AiRequestError);
      expect((failure as Error).message).toContain("too many states for serving");
      expect(gemini.requests).toHaveLength(1);
    });
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

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGeminiEmulator, type GeminiEmulator } from "../emulators/gemini.ts";

/** The emulator refuses what Gemini refuses, in Gemini's error shape. */

let emulator: GeminiEmulator;

beforeAll(async () => {
  emulator = await startGeminiEmulator();
});

afterAll(async () => {
  await emulator.stop();
});

function generate(body: unknown, model = "gemini-2.5-flash", headers: Record<string, string> = { "x-goog-api-key": emulator.apiKey }) {
  return fetch(`${emulator.url}/v1beta/models/${model}:generateContent`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

const contents = [{ role: "user", parts: [{ text: "<transcript>It takes 20 minutes.</transcript>" }] }];
const withSchema = (responseSchema: unknown) => ({ contents, generationConfig: { responseMimeType: "application/json", responseSchema } });

describe("Gemini emulator contract", () => {
  it.each([
    ["additionalProperties", { type: "OBJECT", properties: { a: { type: "STRING" } }, additionalProperties: false }, 'Unknown name "additionalProperties"'],
    ["oneOf inside a property", { type: "OBJECT", properties: { a: { oneOf: [{ type: "STRING" }] } } }, 'Unknown name "oneOf" at \'generation_config.response_schema.properties[0].value\''],
    ["an unknown type", { type: "DATE" }, "Invalid value at 'generation_config.response_schema.type'"],
    ["enum on a number", { type: "NUMBER", enum: ["1"] }, "only allowed for STRING type"],
    ["an object without properties", { type: "OBJECT", properties: {} }, "should be non-empty for OBJECT type"],
    ["required naming a missing property", { type: "OBJECT", properties: { a: { type: "STRING" } }, required: ["b"] }, "property is not defined"],
  ])("refuses a response schema with %s (400 INVALID_ARGUMENT)", async (_what, schema, message) => {
    const response = await generate(withSchema(schema));
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: number; status: string; message: string } };
    expect(body.error).toMatchObject({ code: 400, status: "INVALID_ARGUMENT" });
    expect(body.error.message).toContain(message);
  });

  it("with its state limit switched on, refuses a schema holding more enum values as Gemini does (400 'too many states for serving')", async () => {
    const schema = { type: "OBJECT", properties: { a: { type: "STRING", enum: ["x", "y"] }, b: { type: "ARRAY", items: { type: "STRING", enum: ["z"] } } } };
    emulator.maxEnumValues = 2;
    try {
      const refused = await generate(withSchema(schema));
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ error: { code: 400, status: "INVALID_ARGUMENT", message: expect.stringContaining("too many states for serving") } });
      emulator.maxEnumValues = 3;
      expect((await generate(withSchema(schema))).status).toBe(200);
    } finally {
      emulator.maxEnumValues = undefined;
    }
  });

  it("asks for an API key when none is sent (403) and refuses an unknown model (404)", async () => {
    expect((await generate({ contents }, "gemini-2.5-flash", {})).status).toBe(403);
    const unknown = await generate({ contents }, "gpt-4");
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { status: "NOT_FOUND" } });
  });

  it("answers models.get for a model it serves, with generateContent among its methods, and 404 NOT_FOUND for another name", async () => {
    const get = (model: string) => fetch(`${emulator.url}/v1beta/models/${model}`, { headers: { "x-goog-api-key": emulator.apiKey } });
    const served = await get("gemini-2.5-flash");
    expect(await served.json()).toMatchObject({ name: "models/gemini-2.5-flash", supportedGenerationMethods: expect.arrayContaining(["generateContent"]) });
    const unknown = await get("gemini-1.0-pro");
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 404, status: "NOT_FOUND", message: expect.stringContaining("models/gemini-1.0-pro is not found") } });
  });

  it("takes the key in the query too, and answers JSON that fits the schema, with a number found next to the property's name and usage metadata", async () => {
    const viaQuery = await fetch(`${emulator.url}/v1beta/models/gemini-2.5-flash:generateContent?key=${emulator.apiKey}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(withSchema({ type: "OBJECT", properties: { "Prep minutes": { type: "INTEGER" }, Note: { type: "STRING" } } })),
    });
    const body = (await viaQuery.json()) as { candidates: { content: { parts: { text: string }[] }; finishReason: string }[]; usageMetadata: { totalTokenCount: number } };
    expect(body.candidates[0]!.finishReason).toBe("STOP");
    expect(JSON.parse(body.candidates[0]!.content.parts[0]!.text)).toEqual({ "Prep minutes": 20, Note: "It takes 20 minutes." });
    expect(body.usageMetadata.totalTokenCount).toBeGreaterThan(0);
  });
});

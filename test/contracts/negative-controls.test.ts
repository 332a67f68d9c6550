import express from "express";
import { describe, expect, it } from "vitest";
import { startEmulator } from "../emulators/kit.ts";
import { discordContract } from "./discord.ts";
import { geminiContract } from "./gemini.ts";
import { notionContract } from "./notion.ts";
import { openAiContract } from "./openai.ts";
import { telegramContract } from "./telegram.ts";
import { visionContract } from "./vision.ts";
import type { Exchange } from "./validation/contract.ts";
import { takeViolations } from "./validation/ledger.ts";

/**
 * Negative controls: deliberately wrong bodies go through each service's validator and must be
 * caught, so a silent validator cannot pass for a conforming emulator.
 */

const post = (path: string, body: unknown, contentType = "application/json"): Exchange => ({ method: "POST", path, query: {}, contentType, body });

describe("negative controls: the validators catch wrong bodies", () => {
  it("discord: a message without its author and with a numeric content is refused", () => {
    const exchange = post("/api/v10/channels/1/messages", { content: "hi" });
    const verdict = discordContract().checkResponse(exchange, 200, { id: "1", channel_id: "1", content: 5 });
    expect(verdict.described).toBe(true);
    expect(verdict.errors.join("\n")).toMatch(/author/);
    expect(verdict.errors.join("\n")).toMatch(/\/content must be string/);
  });

  it("discord: a link button url over 512 characters is refused in the request", () => {
    const url = `https://example.com/${"a".repeat(500)}`;
    const body = { content: "x", components: [{ type: 1, components: [{ type: 2, style: 5, label: "Open", url }] }] };
    const verdict = discordContract().checkRequest(post("/api/v10/channels/1/messages", body));
    expect(verdict.errors.join("\n")).toMatch(/must NOT have more than 512 characters/);
  });

  it("discord: a 429 body without code is refused", () => {
    const verdict = discordContract().checkResponse(post("/api/v10/channels/1/messages", {}), 429, { message: "You are being rate limited.", retry_after: 1, global: false });
    expect(verdict.errors.join("\n")).toMatch(/required property 'code'/);
  });

  it("openai: an unknown response_format and a verbose_json answer with text segment ids are refused", () => {
    const request = post("/v1/audio/transcriptions", { model: "whisper-1", response_format: "xml", file: { filename: "a.mp3", bytes: 1 } }, "multipart/form-data");
    expect(openAiContract().checkRequest(request).errors.join("\n")).toMatch(/response_format/);
    const verbose = { task: "transcribe", language: "english", duration: 1, text: "hi", segments: [{ id: "zero", seek: 0, start: 0, end: 1, text: "hi", tokens: [], temperature: 0, avg_logprob: 0, compression_ratio: 1, no_speech_prob: 0 }] };
    expect(openAiContract().checkResponse(request, 200, verbose).errors.join("\n")).toMatch(/\/segments\/0\/id must be integer/);
  });

  it("openai: an error body without param and code is refused", () => {
    const verdict = openAiContract().checkResponse(post("/v1/audio/transcriptions", {}, "multipart/form-data"), 400, { error: { message: "bad", type: "invalid_request_error" } });
    expect(verdict.errors.join("\n")).toMatch(/required property 'param'/);
  });

  it("an emulator answering against its description fails the test through the hook, and refusing a bad request does not", async () => {
    const emulator = await startEmulator(
      (app) => {
        app.use(express.json());
        app.post("/api/v10/channels/:id/messages", (_req, res) => void res.json({ id: "1", content: "no author" }));
        app.post("/api/v10/users/@me/channels", (_req, res) => void res.status(400).json({ message: "Invalid Form Body", code: 50035 }));
      },
      { contract: discordContract() },
    );
    try {
      const json = { "content-type": "application/json" };
      await fetch(`${emulator.url}/api/v10/channels/1/messages`, { method: "POST", headers: json, body: JSON.stringify({ content: "hi" }) });
      await fetch(`${emulator.url}/api/v10/users/@me/channels`, { method: "POST" });
      const violations = takeViolations();
      expect(violations.map((v) => `${v.direction} ${v.operation}`)).toEqual(["response POST /channels/{channel_id}/messages 200"]);
    } finally {
      await emulator.stop();
    }
  });
});

describe("negative controls: telegram", () => {
  it("a sendMessage without text, a message answer with a string date and an update with an unknown field are refused", () => {
    const telegram = telegramContract();
    const sendMessage = post("/bot1:token/sendMessage", { chat_id: 1 });
    expect(telegram.checkRequest(sendMessage).errors.join("\n")).toMatch(/required property 'text'/);
    const message = { message_id: 1, date: "today", chat: { id: 1, type: "private" } };
    expect(telegram.checkResponse(sendMessage, 200, { ok: true, result: message }).errors.join("\n")).toMatch(/\/result\/date must be integer/);
    expect(telegram.checkUpdate({ update_id: 1, mesage: message }).errors.join("\n")).toMatch(/additional properties/);
  });

  it("form parameters are read as Telegram reads them: numbers from strings, markup from JSON", () => {
    const markup = JSON.stringify({ inline_keyboard: [[{ text: "Open", url: "https://example.com" }]] });
    const good = post("/bot1:token/sendMessage", { chat_id: "1", text: "hi", reply_markup: markup }, "application/x-www-form-urlencoded");
    expect(telegramContract().checkRequest(good).errors).toEqual([]);
    const bad = post("/bot1:token/sendMessage", { chat_id: "1", text: "hi", reply_markup: JSON.stringify({ inline_keyboard: [[{ txt: "Open" }]] }) }, "application/x-www-form-urlencoded");
    expect(telegramContract().checkRequest(bad).errors.join("\n")).toMatch(/required property 'text'/);
  });
});

describe("negative controls: notion", () => {
  it("a page whose parent is a string and whose title is plain text, and a page answer without url, are refused", () => {
    const notion = notionContract();
    const create = post("/v1/pages", { parent: "abc", properties: { Name: { title: "Soup" } } });
    const request = notion.checkRequest(create).errors.join("\n");
    expect(request).toMatch(/\/parent must be object/);
    expect(request).toMatch(/\/properties\/Name\/title must be array/);
    const answer = { object: "page", id: "1", created_time: "2025-09-03T00:00:00.000Z", last_edited_time: "2025-09-03T00:00:00.000Z", in_trash: false, archived: false, is_archived: false, is_locked: false, public_url: null, parent: { type: "workspace", workspace: true }, properties: {}, icon: null, cover: null, created_by: { object: "user", id: "u" }, last_edited_by: { object: "user", id: "u" } };
    expect(notion.checkResponse(create, 200, answer).errors.join("\n")).toMatch(/required property 'url'/);
  });

  it("an error with a code Notion does not use is refused", () => {
    const verdict = notionContract().checkResponse(post("/v1/search", {}), 400, { object: "error", status: 400, code: "bad_things", message: "no" });
    expect(verdict.errors.join("\n")).toMatch(/\/code must be equal to one of the allowed values/);
  });
});

describe("negative controls: vision", () => {
  it("a misspelt feature type, a misspelt response field and a string error code are refused", () => {
    const vision = visionContract();
    const annotate = post("/v1/images:annotate", { requests: [{ image: { content: "AAAA" }, features: [{ type: "TEXT_DETECT" }] }] });
    expect(vision.checkRequest(annotate).errors.join("\n")).toMatch(/\/requests\/0\/features\/0\/type must be one of Type/);
    const answer = { responses: [{ textAnotations: [], error: { code: "3", message: "Bad image data." } }] };
    const errors = vision.checkResponse(annotate, 200, answer).errors.join("\n");
    expect(errors).toMatch(/textAnotations is not a field of AnnotateImageResponse/);
    expect(errors).toMatch(/\/responses\/0\/error\/code must be int32/);
  });
});

describe("negative controls: gemini", () => {
  const generate = (body: unknown) => post("/v1beta/models/gemini-2.5-flash:generateContent", body);

  it("contents as a string, a misspelt schema type and a config field under the wrong name are refused", () => {
    const body = { contents: "Summarise this", generationConfig: { responseMimeType: "application/json", responseSchema: { type: "STRINGY" }, response_schema: {} } };
    const errors = geminiContract().checkRequest(generate(body)).errors.join("\n");
    expect(errors).toMatch(/\/contents must be array/);
    expect(errors).toMatch(/\/generationConfig\/responseSchema\/type must be equal to one of the allowed values/);
    expect(errors).toMatch(/\/generationConfig must NOT have additional properties/);
  });

  it("an answer with an unknown finish reason and text outside its parts, and an error without its code, are refused", () => {
    const request = generate({ contents: [{ role: "user", parts: [{ text: "hi" }] }] });
    const answer = { candidates: [{ content: { role: "model", text: "{}" }, finishReason: "DONE", index: 0 }] };
    const errors = geminiContract().checkResponse(request, 200, answer).errors.join("\n");
    expect(errors).toMatch(/\/candidates\/0\/finishReason must be equal to one of the allowed values/);
    expect(errors).toMatch(/\/candidates\/0\/content must NOT have additional properties/);
    expect(geminiContract().checkResponse(request, 503, { error: { message: "overloaded", status: "UNAVAILABLE", code: "503" } }).errors.join("\n")).toMatch(/\/error\/code must be int32/);
  });

  it("the summariser's own request passes: the check is not refusing everything", () => {
    const schema = { type: "OBJECT", properties: { keyPoints: { type: "ARRAY", items: { type: "STRING" }, maxItems: 12 } }, required: ["keyPoints"], propertyOrdering: ["keyPoints"] };
    const body = { contents: [{ role: "user", parts: [{ text: "hi" }] }], systemInstruction: { role: "user", parts: [{ text: "Summarise." }] }, generationConfig: { temperature: 0.2, responseMimeType: "application/json", responseSchema: schema } };
    expect(geminiContract().checkRequest(generate(body)).errors).toEqual([]);
  });
});

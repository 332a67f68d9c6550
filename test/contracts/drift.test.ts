import { readFileSync } from "node:fs";
import path from "node:path";
import { BlockedReason, FinishReason, Type } from "@google/genai";
import { describe, expect, it } from "vitest";
import { LIMITS as DISCORD_BOT_LIMITS } from "../../bots/discord/outgoing.ts";
import { MAX_MESSAGE_LENGTH } from "../../bots/telegram/message-html.ts";
import { REFUSALS } from "../../src/ai/summarizer.ts";
import { MAX_TRANSCRIPTION_BYTES } from "../../src/ai/transcriber.ts";
import { FIELDS as GEMINI_SCHEMA_FIELDS, TYPES as GEMINI_TYPES } from "../emulators/gemini/schema-rules.ts";
import { FORMATS_BY_MODEL, MAX_BYTES as OPENAI_EMULATOR_MAX_BYTES, MODELS } from "../emulators/openai.ts";
import { MAX_TEXT_LENGTH as TELEGRAM_EMULATOR_TEXT_LENGTH } from "../emulators/telegram/formatted-text.ts";
import { MAX_CALLBACK_DATA_BYTES } from "../emulators/telegram/inline-keyboard.ts";
import { discordDescription } from "./discord.ts";
import { openAiDescription } from "./openai.ts";
import { telegramDescription } from "./telegram.ts";

/**
 * Drift: the limits and enums our emulators and production code hard-code, read back from the
 * pinned official descriptions, so a refreshed description that changes one fails here.
 */

type Json = Record<string, unknown>;

const telegram = telegramDescription();
const fieldText = (owner: "methods" | "types", name: string, field: string): string =>
  telegram[owner][name]!.fields!.find((f) => f.name === field)!.description;
/** "1-4096 characters" or "1-64 bytes" in a field's description, as [min, max]. */
const range = (text: string, unit: string): [number, number] => {
  const match = new RegExp(`(\\d+)-(\\d+) ${unit}`).exec(text);
  if (!match) throw new Error(`no "${unit}" range in: ${text}`);
  return [Number(match[1]), Number(match[2])];
};

describe("drift: Telegram Bot API limits", () => {
  it("message text is 1-4096 characters for the bot and the emulator", () => {
    const [, max] = range(fieldText("methods", "sendMessage", "text"), "characters");
    expect(MAX_MESSAGE_LENGTH).toBe(max);
    expect(TELEGRAM_EMULATOR_TEXT_LENGTH).toBe(max);
    expect(range(fieldText("methods", "editMessageText", "text"), "characters")[1]).toBe(max);
  });

  it("callback data is 1-64 bytes", () => {
    expect(range(fieldText("types", "InlineKeyboardButton", "callback_data"), "bytes")).toEqual([1, MAX_CALLBACK_DATA_BYTES]);
  });

  it("a command is 1-32 characters and its description 1-256", () => {
    expect(range(fieldText("types", "BotCommand", "command"), "characters")).toEqual([1, 32]);
    expect(range(fieldText("types", "BotCommand", "description"), "characters")).toEqual([1, 256]);
  });
});

describe("drift: Discord limits", () => {
  const schemas = (discordDescription().components as Json).schemas as Record<string, Json>;
  const prop = (schema: string, name: string) => (schemas[schema]!.properties as Record<string, Json>)[name]!;

  it("embed title, description and field count match what the bot trims to", () => {
    expect(prop("RichEmbed", "title").maxLength).toBe(DISCORD_BOT_LIMITS.embedTitle);
    expect(prop("RichEmbed", "description").maxLength).toBe(DISCORD_BOT_LIMITS.embedDescription);
    expect(prop("RichEmbed", "fields").maxItems).toBe(25);
    expect(prop("MessageCreateRequest", "embeds").maxItems).toBe(10);
  });

  it("button label, custom id and link url match the bot's limits", () => {
    expect(prop("ButtonComponentForMessageRequest", "label").maxLength).toBe(DISCORD_BOT_LIMITS.buttonLabel);
    expect(prop("ButtonComponentForMessageRequest", "custom_id").maxLength).toBe(DISCORD_BOT_LIMITS.customId);
    expect(prop("ButtonComponentForMessageRequest", "url").maxLength).toBe(DISCORD_BOT_LIMITS.buttonUrl);
    expect(prop("ActionRowComponentForMessageRequest", "components").maxItems).toBe(DISCORD_BOT_LIMITS.buttonsPerRow);
  });

  it("message content: the document allows 4000 (Nitro users); bots stay at Discord's documented 2000", () => {
    expect(prop("MessageCreateRequest", "content").maxLength).toBe(4000);
    expect(DISCORD_BOT_LIMITS.content).toBe(2000);
  });
});

describe("drift: OpenAI transcription", () => {
  const schemas = (openAiDescription().components as Json).schemas as Record<string, Json>;
  const request = schemas.CreateTranscriptionRequest!.properties as Record<string, Json>;

  it("the emulator serves exactly the models the description names", () => {
    const named = (request.model!.anyOf as Json[]).flatMap((branch) => (branch.enum as string[] | undefined) ?? []);
    expect([...MODELS].sort()).toEqual([...named].sort());
  });

  it("every response format the emulator takes is one the description lists", () => {
    const formats = schemas.AudioResponseFormat!.enum as string[];
    for (const model of MODELS) for (const format of FORMATS_BY_MODEL(model)) expect(formats, model).toContain(format);
  });

  it("production and the emulator split audio at the same 25 MB upload limit", () => {
    expect(MAX_TRANSCRIPTION_BYTES).toBe(25 * 1024 * 1024);
    expect(OPENAI_EMULATOR_MAX_BYTES).toBe(MAX_TRANSCRIPTION_BYTES);
  });
});

describe("drift: Gemini types in @google/genai", () => {
  /** The property names of `interface Schema` in the SDK's declarations. */
  const schemaFields = (): string[] => {
    const dts = readFileSync(path.resolve("node_modules/@google/genai/dist/genai.d.ts"), "utf8");
    const start = dts.indexOf("export declare interface Schema {");
    const body = dts.slice(start, dts.indexOf("\n}", start));
    return [...body.matchAll(/^\s{4}(\w+)\?:/gm)].map((m) => m[1]!);
  };

  it("the emulator accepts exactly the SDK's Schema fields", () => {
    expect([...GEMINI_SCHEMA_FIELDS].sort()).toEqual(schemaFields().sort());
  });

  it("the emulator's schema types are the SDK's Type values", () => {
    expect([...GEMINI_TYPES].sort()).toEqual(Object.values(Type).filter((t) => t !== Type.TYPE_UNSPECIFIED).sort());
  });

  it("every reason the summarizer treats as a refusal is a FinishReason or BlockedReason the SDK knows", () => {
    const known = new Set<string>([...Object.values(FinishReason), ...Object.values(BlockedReason)]);
    for (const reason of Object.keys(REFUSALS)) expect(known, reason).toContain(reason);
  });
});

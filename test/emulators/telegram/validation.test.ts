import { Bot, GrammyError, InlineKeyboard } from "grammy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTelegramEmulator, type TelegramEmulator } from "./index.ts";

const TOKEN = "123456:test-token";
let tg: TelegramEmulator;
let api: Bot["api"];

beforeEach(async () => {
  tg = await startTelegramEmulator({ token: TOKEN });
  api = new Bot(TOKEN, { client: { apiRoot: tg.url } }).api;
  tg.user(1, { firstName: "Alice" }).sendText("hi");
});

afterEach(() => tg.stop());

/** The GrammyError a call fails with, as `{ error_code, description }`. */
async function refusal(call: Promise<unknown>): Promise<{ error_code: number; description: string }> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof GrammyError)) throw new Error(`expected a GrammyError, got ${String(error)}`);
  return { error_code: error.error_code, description: error.description };
}

describe("Telegram emulator refuses what the Bot API refuses", () => {
  it("answers 401 Unauthorized to an unknown token", async () => {
    const stranger = new Bot("999:wrong", { client: { apiRoot: tg.url } }).api;
    expect(await refusal(stranger.getMe())).toEqual({ error_code: 401, description: "Unauthorized" });
  });

  it("answers 404 Not Found to a method it does not know", async () => {
    const response = await fetch(`${tg.url}/bot${TOKEN}/sendTelepathy`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ ok: false, error_code: 404, description: "Not Found" });
  });

  it("refuses a chat the user never opened", async () => {
    expect(await refusal(api.sendMessage(42, "hello"))).toEqual({ error_code: 400, description: "Bad Request: chat not found" });
    expect(await refusal(api.sendMessage("@somebody", "hello"))).toEqual({ error_code: 400, description: "Bad Request: chat not found" });
  });

  it("answers 403 once the user has blocked the bot", async () => {
    tg.user(1, { firstName: "Alice" }).block();
    expect(await refusal(api.sendMessage(1, "hello"))).toEqual({ error_code: 403, description: "Forbidden: bot was blocked by the user" });
  });

  it("limits text to 4096 characters as the user sees it, after HTML parsing", async () => {
    expect(await refusal(api.sendMessage(1, "x".repeat(4097)))).toEqual({ error_code: 400, description: "Bad Request: message is too long" });
    const sent = await api.sendMessage(1, `<b>${"x".repeat(4096)}</b>`, { parse_mode: "HTML" });
    expect(sent.text).toHaveLength(4096);
    expect(sent.entities).toEqual([{ type: "bold", offset: 0, length: 4096 }]);
  });

  it("refuses empty and blank texts", async () => {
    expect((await refusal(api.sendMessage(1, ""))).description).toBe("Bad Request: message text is empty");
    expect((await refusal(api.sendMessage(1, "<b> </b>", { parse_mode: "HTML" }))).description).toBe("Bad Request: text must be non-empty");
  });

  it("refuses HTML that does not parse, with Telegram's descriptions", async () => {
    const html = (text: string) => refusal(api.sendMessage(1, text, { parse_mode: "HTML" })).then((r) => r.description);
    expect(await html("<b>unclosed")).toBe(`Bad Request: can't parse entities: Can't find end tag corresponding to start tag "b"`);
    expect(await html("<script>alert(1)</script>")).toBe(`Bad Request: can't parse entities: Unsupported start tag "script" at byte offset 0`);
    expect(await html("<b><i>test</b></i>")).toBe(`Bad Request: can't parse entities: Unmatched end tag at byte offset 10, expected "</i>", found "</b>"`);
    expect(await html("1 < 2")).toBe(`Bad Request: can't parse entities: Unsupported start tag "" at byte offset 2`);
  });

  it("refuses inline buttons without exactly one action, with long callback data or a bad URL", async () => {
    const markup = (button: Record<string, unknown>) =>
      refusal(api.sendMessage(1, "pick", { reply_markup: { inline_keyboard: [[button as never]] } })).then((r) => r.description);
    expect(await markup({ text: "plain" })).toBe("Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
    expect(await markup({ text: "empty", callback_data: "" })).toBe("Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
    expect(await markup({ callback_data: "x" })).toBe(`Bad Request: can't parse inline keyboard button: Can't find field "text"`);
    expect(await markup({ text: "both", url: "https://a.example", callback_data: "x" })).toMatch(/exactly one action/);
    expect(await markup({ text: "long", callback_data: "x".repeat(65) })).toBe("Bad Request: BUTTON_DATA_INVALID");
    expect(await markup({ text: "ftp", url: "ftp://example.com" })).toBe("Bad Request: inline keyboard button URL 'ftp://example.com' is invalid: Unsupported URL protocol");
    expect(await markup({ text: "junk", url: "not a url" })).toBe("Bad Request: inline keyboard button URL 'not a url' is invalid: Wrong HTTP URL");
    expect(
      (await refusal(api.sendMessage(1, "pick", { reply_markup: { inline_keyboard: "nope" as never } }))).description,
    ).toBe(`Bad Request: field "inline_keyboard" must be of type Array`);
  });

  it("accepts 64-byte callback data and local http links", async () => {
    const keyboard = new InlineKeyboard().text("ok", "é".repeat(32)).url("Connect Notion", "http://127.0.0.1:3000/connect/abc");
    const sent = await api.sendMessage(1, "pick", { reply_markup: keyboard });
    expect(sent.reply_markup?.inline_keyboard[0]).toHaveLength(2);
  });

  it("answers 'message is not modified' when an edit changes nothing", async () => {
    const keyboard = new InlineKeyboard().text("Retry", "retry");
    const sent = await api.sendMessage(1, "Downloading...", { reply_markup: keyboard });
    const notModified =
      "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";
    expect((await refusal(api.editMessageText(1, sent.message_id, "Downloading...", { reply_markup: keyboard }))).description).toBe(notModified);
    expect((await refusal(api.editMessageReplyMarkup(1, sent.message_id, { reply_markup: keyboard }))).description).toBe(notModified);
    // Same text without the keyboard is a change: it removes the buttons.
    await api.editMessageText(1, sent.message_id, "Downloading...");
    expect(tg.transcript(1).at(-1)).toMatchObject({ text: "Downloading...", edits: [] });
    expect(tg.transcript(1).at(-1)!.buttons).toBeUndefined();
  });

  it("refuses to edit a message that is missing or the user's own", async () => {
    expect((await refusal(api.editMessageText(1, 99, "x"))).description).toBe("Bad Request: message to edit not found");
    expect((await refusal(api.editMessageText(1, 1, "x"))).description).toBe("Bad Request: message can't be edited");
  });

  it("refuses unknown or already answered callback queries, and unknown chat actions", async () => {
    expect((await refusal(api.answerCallbackQuery("123"))).description).toBe(
      "Bad Request: query is too old and response timeout expired or query ID is invalid",
    );
    expect((await refusal(api.sendChatAction(1, "dancing" as never))).description).toBe("Bad Request: wrong parameter action in request");
  });

  it("refuses invalid bot commands", async () => {
    expect((await refusal(api.setMyCommands([{ command: "Start", description: "x" }]))).description).toBe("Bad Request: BOT_COMMAND_INVALID");
    expect((await refusal(api.setMyCommands([{ command: "start", description: "" }]))).description).toBe("Bad Request: BOT_COMMAND_DESCRIPTION_INVALID");
  });
});

describe("Telegram emulator reads parameters the way the Bot API does", () => {
  it("accepts form-urlencoded bodies with JSON-serialised markup", async () => {
    const body = new URLSearchParams({
      chat_id: "1",
      text: "<i>from a form</i>",
      parse_mode: "HTML",
      reply_markup: JSON.stringify({ inline_keyboard: [[{ text: "Go", callback_data: "go" }]] }),
    });
    const response = await fetch(`${tg.url}/bot${TOKEN}/sendMessage`, { method: "POST", body });
    const answer = (await response.json()) as { ok: boolean; result: { text: string; reply_markup: unknown } };
    expect(answer.ok).toBe(true);
    expect(answer.result.text).toBe("from a form");
    expect(tg.transcript(1).at(-1)).toMatchObject({ text: "from a form", buttons: [[{ text: "Go", data: "go" }]] });
  });

  it("accepts GET with the query string, and ignores the case of method names", async () => {
    const response = await fetch(`${tg.url}/bot${TOKEN}/SENDMESSAGE?chat_id=1&text=via%20GET`);
    expect(((await response.json()) as { result: { text: string } }).result.text).toBe("via GET");
    expect(tg.calls("sendMessage").at(-1)).toMatchObject({ chat_id: "1", text: "via GET" });
  });
});

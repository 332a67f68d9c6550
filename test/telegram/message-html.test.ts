import { describe, expect, it } from "vitest";
import { MAX_MESSAGE_LENGTH, toTelegramMessage } from "../../bots/telegram/message-html.ts";
import { parseHtml } from "../emulators/telegram/index.ts";

const visible = (html: string) => parseHtml(html);

describe("what the core says, in Telegram's HTML", () => {
  it("escapes text so markup in titles and captions shows as typed", () => {
    const text = `Tom & Jerry <b>not bold</b> "quoted" 'single' <a href="x">`;
    const { html } = toTelegramMessage({ text });
    expect(visible(html)).toEqual({ text, entities: [] });
  });

  it("shows a card as a bold linked title, its description and an italic footer", () => {
    const { html } = toTelegramMessage({
      text: "Saved.",
      card: { title: "Pasta <al dente>", description: "Boil & stir", url: "https://notion.so/p?a=1&b=2", footer: "Recipes" },
    });
    const shown = visible(html);
    expect(shown.text).toBe("Saved.\n\nPasta <al dente>\nBoil & stir\nRecipes");
    expect(shown.entities).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: "bold", offset: 8, length: 16 }),
        expect.objectContaining({ type: "text_link", offset: 8, length: 16, url: "https://notion.so/p?a=1&b=2" }),
        expect.objectContaining({ type: "italic", offset: 37, length: 7 }),
      ]),
    );
  });

  it("does not repeat a card title or footer the text already says", () => {
    const { html } = toTelegramMessage({
      text: "Saved to Recipes: Pasta",
      card: { title: "Pasta", description: "Boil and stir.", footer: "Recipes", url: "https://notion.so/p" },
    });
    expect(visible(html).text).toBe("Saved to Recipes: Pasta\n\nBoil and stir.");
  });

  it("turns button rows into an inline keyboard of callback and link buttons", () => {
    const { replyMarkup } = toTelegramMessage({
      text: "Which one?",
      buttons: [[{ text: "Recipes", data: "tag:1" }, { text: "Drinks", data: "tag:2" }], [{ text: "Open", url: "https://notion.so/x" }]],
    });
    expect(replyMarkup).toEqual({
      inline_keyboard: [
        [{ text: "Recipes", callback_data: "tag:1" }, { text: "Drinks", callback_data: "tag:2" }],
        [{ text: "Open", url: "https://notion.so/x" }],
      ],
    });
    expect(toTelegramMessage({ text: "No buttons", buttons: [] }).replyMarkup).toBeUndefined();
  });

  it("cuts text that is too long to 4096 visible characters, ending with an ellipsis", () => {
    const { html } = toTelegramMessage({ text: "<&>".repeat(5_000) });
    const shown = visible(html).text;
    expect(shown).toHaveLength(MAX_MESSAGE_LENGTH);
    expect(shown.endsWith("…")).toBe(true);
    expect(shown.startsWith("<&><&>")).toBe(true);
  });

  it("shortens a card's long description first and keeps the text whole", () => {
    const text = "Saved to Recipes: Pasta";
    const { html } = toTelegramMessage({ text, card: { title: "Pasta", description: "word ".repeat(2_000), footer: "Recipes" } });
    const shown = visible(html).text;
    expect(shown.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    expect(shown.startsWith(`${text}\n\nword word`)).toBe(true);
    expect(shown.endsWith("…")).toBe(true);
  });

  it("never cuts an emoji in half", () => {
    const { html } = toTelegramMessage({ text: "😀".repeat(3_000) });
    const shown = visible(html).text;
    expect(shown.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    expect(shown).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(shown.endsWith("😀…")).toBe(true);
  });
});

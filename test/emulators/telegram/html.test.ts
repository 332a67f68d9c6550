import { describe, expect, it } from "vitest";
import { BotApiError } from "./api-error.ts";
import { parseHtml } from "./index.ts";

describe("Telegram HTML parse mode", () => {
  it("strips supported tags into entities with UTF-16 offsets", () => {
    expect(parseHtml(`🎬 <b>Saved</b> to <a href="https://notion.so/p">Recipes</a>`)).toEqual({
      text: "🎬 Saved to Recipes",
      entities: [
        { type: "bold", offset: 3, length: 5 },
        { type: "text_link", offset: 12, length: 7, url: "https://notion.so/p" },
      ],
    });
  });

  it("unescapes the four named entities and numeric ones, and keeps a lone ampersand", () => {
    expect(parseHtml("&lt;tag&gt; &amp; &quot;q&quot; &#39;s &#x1F600; AT&T &nbsp;").text).toBe(`<tag> & "q" 's 😀 AT&T &nbsp;`);
  });

  it("nests entities and reads pre with a language, spoilers and expandable quotes", () => {
    const parsed = parseHtml(
      `<b>bold <i>both</i></b><pre><code class="language-ts">x</code></pre><span class="tg-spoiler">s</span><blockquote expandable>q</blockquote>`,
    );
    expect(parsed.text).toBe("bold bothxsq");
    expect(parsed.entities).toEqual([
      { type: "bold", offset: 0, length: 9 },
      { type: "italic", offset: 5, length: 4 },
      { type: "pre", offset: 9, length: 1, language: "ts" },
      { type: "spoiler", offset: 10, length: 1 },
      { type: "expandable_blockquote", offset: 11, length: 1 },
    ]);
  });

  it("refuses what Telegram refuses, with byte offsets", () => {
    const failure = (html: string) => {
      try {
        parseHtml(html);
      } catch (error) {
        return error instanceof BotApiError ? error.description : String(error);
      }
      return "parsed";
    };
    expect(failure("<br>")).toBe(`Bad Request: can't parse entities: Unsupported start tag "br" at byte offset 0`);
    expect(failure("é</b>")).toBe("Bad Request: can't parse entities: Unexpected end tag at byte offset 2");
    expect(failure(`<a href="x`)).toBe("Bad Request: can't parse entities: Unclosed start tag at byte offset 0");
    expect(failure(`<span>x</span>`)).toBe(`Bad Request: can't parse entities: Tag "span" must have class "tg-spoiler" at byte offset 0`);
  });
});

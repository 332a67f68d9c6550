import { describe, expect, it } from "vitest";
import {
  confirmConnectPage,
  connectedPage,
  deniedPage,
  exchangeFailedPage,
  linkExpiredPage,
  linkUsedPage,
  notionUnavailablePage,
  otherBrowserPage,
} from "../../web-oauth/pages.ts";

const failurePages = {
  denied: deniedPage(),
  expired: linkExpiredPage(),
  used: linkUsedPage(),
  otherBrowser: otherBrowserPage(),
  notionUnavailable: notionUnavailablePage(),
  exchangeFailed: exchangeFailedPage(),
};

describe("linking pages", () => {
  it.each(Object.entries(failurePages))("%s page says how to get a fresh link with /start", (_name, page) => {
    expect(page.html).toContain("send /start to the bot");
  });

  it("give every outcome its own heading", () => {
    const headings = Object.values(failurePages).map((p) => /<h1>(.*)<\/h1>/.exec(p.html)?.[1]);
    expect(new Set(headings).size).toBe(headings.length);
  });

  it.each(Object.entries({ ...failurePages, connected: connectedPage({ workspaceName: "W", databases: [], discoveryFailed: false }) }))(
    "%s page is accessible, mobile-first and self-contained",
    (_name, page) => {
      expect(page.html).toMatch(/^<!doctype html>\n<html lang="en">/);
      expect(page.html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
      expect(page.html).not.toMatch(/<script|<link |<img |src=|url\(|@import/i);
      expect(page.html).not.toMatch(/https?:\/\//);
    },
  );

  it("escapes everything Notion or the user named", () => {
    const page = connectedPage({
      workspaceName: `<script>alert("ws")</script>`,
      databases: [{ title: `<img src=x onerror=alert(1)>`, tag: `a"b` }],
      discoveryFailed: false,
      chat: { href: `https://t.me/bot"><script>`, label: "Back to Telegram" },
    });
    expect(page.html).not.toContain("<script>");
    expect(page.html).not.toContain("<img");
    expect(page.html).toContain("&lt;script&gt;alert(&quot;ws&quot;)&lt;/script&gt;");
    expect(page.html).toContain('href="https://t.me/bot&quot;&gt;&lt;script&gt;"');
  });

  it("escapes the chat account's name and the form's values on the confirmation page", () => {
    const page = confirmConnectPage({ platform: "TELEGRAM", displayName: `<script>alert(1)</script>`, language: "en" }, { token: `"><b>`, confirm: "n" });
    expect(page.html).not.toContain("<script>");
    expect(page.html).not.toContain("<b>");
    expect(page.html).toContain("Connect Notion to Telegram user &lt;script&gt;alert(1)&lt;/script&gt;?");
    expect(page.html).toContain('name="token" value="&quot;&gt;&lt;b&gt;"');
  });

  it("names the workspace, each database with its /tag, and links back to the chat", () => {
    const page = connectedPage({
      workspaceName: "Ada's notes",
      databases: [
        { title: "Recipes", tag: "recipes" },
        { title: "Workouts", tag: "workouts" },
      ],
      discoveryFailed: false,
      chat: { href: "https://t.me/reelnotes_bot", label: "Back to Telegram" },
    });
    expect(page.status).toBe(200);
    expect(page.html).toContain("Ada&#39;s notes");
    expect(page.html).toContain("We found 2 databases:");
    expect(page.html).toContain("Recipes — <code>/tag recipes</code>");
    expect(page.html).toContain("Workouts — <code>/tag workouts</code>");
    expect(page.html).toContain('<a class="button" href="https://t.me/reelnotes_bot">Back to Telegram</a>');
  });

  it("answers refusals with 400 and Notion trouble with 5xx", () => {
    expect([linkExpiredPage(), linkUsedPage(), otherBrowserPage()].map((p) => p.status)).toEqual([400, 400, 400]);
    expect(notionUnavailablePage().status).toBe(503);
    expect(exchangeFailedPage().status).toBe(502);
  });
});

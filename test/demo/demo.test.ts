import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runDemo, sharedLink } from "./run-demo.ts";

const MULTI_SOURCE = fileURLToPath(new URL("../fixtures/workspaces/multi-source.json", import.meta.url));

describe("npm run demo", () => {
  it("plays the Telegram journey to a saved page whose properties carry the shared link", async () => {
    const { code, json: result, stdout } = await runDemo(["--json"]);
    const json = result!;
    expect(json.error).toBeUndefined();
    expect(json.ok).toBe(true);
    expect(code).toBe(0);
    expect(json.conversation[0]).toEqual({ from: "user", text: "/start" });
    expect(json.conversation.at(-1)?.text).toMatch(/^Saved to 🍳 Recipes: /);
    expect(Object.values(json.page!.properties)).toContainEqual({ url: sharedLink(json) });
    expect(json.page!.url).toMatch(/^https:\/\/www\.notion\.so\//);
    expect(json.page!.blocks.length).toBeGreaterThan(0);
    expect(stdout).toContain("── Conversation on telegram");
    expect(stdout).toContain("── Page in Notion");
  });

  it("plays the Discord journey into the database --tag names, with the transcript it was given", async () => {
    const transcript = "A frozen margarita: lime, tequila and ice, blended for thirty seconds.";
    const { code, json: result } = await runDemo(["--json", "--platform", "discord", "--workspace", MULTI_SOURCE, "--tag", "drinks", "--transcript", transcript]);
    const json = result!;
    expect(json.error).toBeUndefined();
    expect(json.ok).toBe(true);
    expect(code).toBe(0);
    expect(json.conversation[0]).toEqual({ from: "user", text: "/connect" });
    expect(json.conversation).toContainEqual({ from: "user", text: "/tag name:drinks" });
    expect(json.conversation.at(-1)?.text).toMatch(/^Saved to 🍹 Drinks: /);
    expect(Object.values(json.page!.properties)).toContainEqual({ url: sharedLink(json) });
    expect(JSON.stringify(json.page!.blocks)).toContain(transcript);
  });
});

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { makeCaptionedClip } from "../fixtures/media.ts";
import { runDemo, sharedLink } from "./run-demo.ts";

const MULTI_SOURCE = fileURLToPath(new URL("../fixtures/workspaces/multi-source.json", import.meta.url));

const scratch = await mkdtemp(path.join(tmpdir(), "reelnotes-demo-test-"));
afterAll(() => rm(scratch, { recursive: true, force: true }));

// A whole demo starts every emulator and the service in a child process: minutes on a loaded 2-core machine.
describe("npm run demo", { timeout: 240_000 }, () => {
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
    expect(stdout).toMatch(/── Stage durations \(from \/metrics\)[^]*download +\d+\.\d\d s/);
    // Every exchange with the emulators was checked, and none broke a description (a violation fails the demo).
    expect(stdout).toMatch(/── Exchanges checked against the official API descriptions[^]*notion +[1-9]\d* requests, [1-9]\d* responses checked; \d+ undescribed \(0 unexplained\); 0 violations/);
    expect(stdout).toMatch(/telegram +[1-9]\d* requests, [1-9]\d* responses checked; \d+ undescribed \(0 unexplained\); 0 violations/);
    expect(stdout).not.toMatch(/; [1-9]\d* violations/);
  });

  it("--file: the person sends the video itself; the page's cover is a Notion file upload and its blocks include images", async () => {
    const video = await makeCaptionedClip(scratch, { name: "sent-clip", seconds: 4, captions: ["Lemon pasta"], speech: "Lemon pasta tonight." });
    const { code, json: result } = await runDemo(["--json", "--file", video.path!]);
    const json = result!;
    expect(json.error).toBeUndefined();
    expect(code).toBe(0);
    expect(json.conversation).toContainEqual({ from: "bot", text: expect.stringMatching(/^Saved to 🍳 Recipes: /) });
    expect(json.page!.cover).toEqual({ type: "file_upload", file_upload: { id: expect.any(String) } });
    const images = json.page!.blocks.filter((b) => b.type === "image");
    expect(images.length).toBeGreaterThan(0);
    expect(images[0]!.text).toBe(`file upload ${(json.page!.cover as { file_upload: { id: string } }).file_upload.id}`);
    expect(JSON.stringify(json.page!.properties)).not.toContain("telegram-file:");
  });

  it("plays the Discord journey with a given video, into the database --tag names, with the transcript it was given", async () => {
    const transcript = "A frozen margarita: lime, tequila and ice, blended for thirty seconds.";
    const video = await makeCaptionedClip(scratch, { name: "margarita", seconds: 4, captions: ["Frozen margarita"], speech: "A frozen margarita." });
    const args = ["--platform", "discord", "--workspace", MULTI_SOURCE, "--tag", "drinks", "--transcript", transcript, "--video", video.path!];
    const { code, json: result } = await runDemo(["--json", ...args]);
    const json = result!;
    expect(json.error).toBeUndefined();
    expect(json.ok).toBe(true);
    expect(code).toBe(0);
    expect(json.conversation[0]).toEqual({ from: "user", text: "/connect" });
    expect(json.conversation).toContainEqual({ from: "user", text: "/tag name:drinks" });
    expect(json.conversation.at(-1)?.text).toBe("Saved to 🍹 Drinks: margarita");
    expect(Object.values(json.page!.properties)).toContainEqual({ url: sharedLink(json) });
    expect(JSON.stringify(json.page!.blocks)).toContain(transcript);
  });
});

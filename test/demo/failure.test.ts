import { describe, expect, it } from "vitest";
import { runDemo } from "./run-demo.ts";

describe("npm run demo when it cannot make a page", { timeout: 240_000 }, () => {
  it("exits 1 with ok false, the error and no page when --tag names no database", async () => {
    const { code, json, stdout } = await runDemo(["--tag", "gardening", "--json"]);
    expect(code).toBe(1);
    expect(json).toMatchObject({ ok: false, page: null });
    expect(json!.error).toBe("No database matches --tag gardening; offered: 🍳 Recipes");
    expect(json!.conversation.map((line) => line.text)).toContain("/tag");
    expect(stdout).toContain("The demo failed after");
  });

  it("refuses an unknown platform with the usage and exit 2, starting nothing", async () => {
    const { code, stdout, stderr } = await runDemo(["--platform", "slack"]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain('--platform must be telegram or discord, not "slack"');
    expect(stderr).toContain("Usage: npm run demo");
  });

  it("refuses a --video file that does not exist", async () => {
    const { code, stderr } = await runDemo(["--video", "no/such/clip.mp4"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^No such file: \/.*no\/such\/clip\.mp4$/m);
  });
});

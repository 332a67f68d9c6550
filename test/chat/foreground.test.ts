import { describe, expect, it } from "vitest";
import { Foreground } from "../../src/chat/foreground.ts";

/** Job starts wait for the chat answers in progress; checked on promises, no clock (the cap aside). */
describe("the foreground of chat answers", () => {
  const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

  it("is quiet at once when nothing is being answered", async () => {
    await new Foreground().quiet(60_000);
  });

  it("stays busy until every answer in progress has finished, and then lets the waiting job starts go", async () => {
    const foreground = new Foreground();
    const releases: (() => void)[] = [];
    const answer = () => foreground.during(() => new Promise<void>((resolve) => releases.push(resolve)));
    const first = answer();
    const second = answer();
    let quiet = false;
    const waiting = foreground.quiet(60_000).then(() => (quiet = true));
    await turn();
    releases[0]!();
    await first;
    await turn();
    expect(quiet).toBe(false);
    releases[1]!();
    await second;
    await waiting;
    expect(quiet).toBe(true);
  });

  it("counts a failed answer as finished", async () => {
    const foreground = new Foreground();
    await expect(foreground.during(() => Promise.reject(new Error("Telegram said no")))).rejects.toThrow("Telegram said no");
    await foreground.quiet(60_000);
  });

  it("lets job starts go after the longest wait even while answers keep coming", async () => {
    const foreground = new Foreground();
    let release!: () => void;
    const endless = foreground.during(() => new Promise<void>((resolve) => (release = resolve)));
    await foreground.quiet(1);
    release();
    await endless;
  });
});

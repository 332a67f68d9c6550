import { spawn } from "node:child_process";
import { once } from "node:events";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const STACK = fileURLToPath(new URL("./stack-process.ts", import.meta.url));

/** Starts stack-process.ts in `mode`; `lines` fills with what it says, `saw(text)` resolves once it has said it. */
function startStack(mode: "wait" | "failing-start") {
  const child = spawn(process.execPath, [STACK, mode], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const waiting: { text: string; resolve(): void }[] = [];
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
    for (const w of waiting.filter((w) => output.includes(w.text))) w.resolve();
  });
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
  const saw = (text: string) => (output.includes(text) ? Promise.resolve() : new Promise<void>((resolve) => waiting.push({ text, resolve })));
  const urls = () => [...output.matchAll(/started (\S+)/g)].map((m) => new URL(m[1]!));
  return { child, exited, saw, urls, output: () => output };
}

/** True when something accepts connections on the URL's port. */
async function listening(url: URL): Promise<boolean> {
  const socket = connect(Number(url.port), "127.0.0.1");
  const outcome = await new Promise<boolean>((resolve) => {
    socket.once("connect", () => resolve(true));
    socket.once("error", () => resolve(false));
  });
  socket.destroy();
  return outcome;
}

/** The soak stops the Postgres and Redis it started on every way out, not only when it ends well. */
describe("the soak's cleanup", () => {
  it("stops its own Postgres and Redis when the soak is stopped with SIGTERM", { timeout: 180_000 }, async () => {
    const stack = startStack("wait");
    await stack.saw("up");
    const urls = stack.urls();
    expect(urls).toHaveLength(2);
    expect(await Promise.all(urls.map(listening))).toEqual([true, true]);
    stack.child.kill("SIGTERM");
    const [code] = await stack.exited;
    expect(code, stack.output()).toBe(143);
    expect(await Promise.all(urls.map(listening))).toEqual([false, false]);
  });

  it("stops what did start when another start fails", { timeout: 180_000 }, async () => {
    const stack = startStack("failing-start");
    const [code] = await stack.exited;
    expect(code).not.toBe(0);
    expect(stack.output()).toContain("the emulators did not start");
    const urls = stack.urls();
    expect(urls).toHaveLength(2);
    expect(await Promise.all(urls.map(listening))).toEqual([false, false]);
  });
});

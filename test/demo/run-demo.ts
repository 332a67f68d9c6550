import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** The `--json` line of the demo. */
export interface DemoJson {
  ok: boolean;
  conversation: { from: "user" | "bot"; text: string }[];
  page: { id: string; url: string; dataSourceId: string; properties: Record<string, Record<string, unknown>>; cover: unknown; blocks: { type: string; text: string }[] } | null;
  error?: string;
}

/** How a demo run ended: exit code, output, and the parsed last stdout line (when it is JSON). */
export interface DemoRun {
  code: number;
  stdout: string;
  stderr: string;
  json: DemoJson | undefined;
}

/** Runs `npm run demo -- <args>` the way npm does (node runs the TypeScript itself) from the package folder. */
export function runDemo(args: string[]): Promise<DemoRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["scripts/demo.ts", ...args], { cwd: ROOT, timeout: 220_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const last = stdout.trimEnd().split("\n").at(-1) ?? "";
      let json: DemoJson | undefined;
      try {
        json = JSON.parse(last) as DemoJson;
      } catch {
        json = undefined;
      }
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr, json });
    });
  });
}

/** The link the person shared: their message that is a URL. */
export const sharedLink = (json: DemoJson) => json.conversation.find((line) => line.from === "user" && /^https?:\/\//.test(line.text))?.text;

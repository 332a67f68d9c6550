import path from "node:path";
import { parseArgs } from "node:util";
import { isLanguage, LANGUAGES } from "../../src/i18n/index.ts";
import { RECIPES_WORKSPACE } from "../../test/harness/world.ts";
import type { DemoOptions } from "./run.ts";

/** How to call the demo; shown on a bad option and for --help. */
export const USAGE = `Usage: npm run demo -- [options]

Plays a person on Telegram (or Discord) from /start to a saved Notion page, with every
external service emulated locally, and prints the conversation and the page.

  --platform telegram|discord  the chat platform (default telegram)
  --workspace <file>           the Notion workspace fixture (default: the bundled recipe workspace)
  --video <file>               a local video to share as the TikTok (default: a generated clip)
  --file <video>               the person sends this video itself, as a file (Telegram only)
  --transcript <text>          what the speech-to-text emulator answers
  --tag <tag>                  the database to choose with /tag (default: the first)
  --language <code>            the person's chat app language: en, es, pt, de, ru or ja (default en)
  --json                       end stdout with one JSON line: {ok, conversation, page, error?}
  --help                       this text`;

/** A bad command line; the message says what is wrong. */
export class UsageError extends Error {}

/**
 * Parses the demo's arguments. Relative paths are read from where the person ran npm
 * (`cwd`, normally INIT_CWD), not from the package folder npm switches to.
 */
export function parseDemoOptions(args: string[], cwd: string): DemoOptions | "help" {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        platform: { type: "string", default: "telegram" },
        workspace: { type: "string" },
        video: { type: "string" },
        file: { type: "string" },
        transcript: { type: "string" },
        tag: { type: "string" },
        language: { type: "string", default: "en" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return "help";
  if (values.platform !== "telegram" && values.platform !== "discord") {
    throw new UsageError(`--platform must be telegram or discord, not "${values.platform}"`);
  }
  if (!isLanguage(values.language)) {
    throw new UsageError(`--language must be one of ${LANGUAGES.join(", ")}, not "${values.language}"`);
  }
  if (values.file && values.platform !== "telegram") throw new UsageError("--file is played on Telegram only: drop --platform discord");
  if (values.file && values.video) throw new UsageError("--file and --video are two ways to send one video: give one of them");
  return {
    platform: values.platform,
    language: values.language,
    workspaceFile: values.workspace ? path.resolve(cwd, values.workspace) : RECIPES_WORKSPACE,
    videoFile: values.video ? path.resolve(cwd, values.video) : undefined,
    sentFile: values.file ? path.resolve(cwd, values.file) : undefined,
    transcript: values.transcript,
    tag: values.tag,
    json: values.json,
  };
}

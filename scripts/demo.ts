// `npm run demo`: the whole journey on local emulators, from /start to a saved Notion page.
// Prints the conversation and the page; `--json` ends stdout with one JSON line. Exit 0 only
// when a page was created. See scripts/demo/options.ts for the options.
import { access } from "node:fs/promises";
import { parseDemoOptions, USAGE, UsageError } from "./demo/options.ts";
import { jsonLine, renderReport } from "./demo/report.ts";
import { runDemo, type DemoOptions } from "./demo/run.ts";

async function readOptions(): Promise<DemoOptions> {
  let options;
  try {
    options = parseDemoOptions(process.argv.slice(2), process.env.INIT_CWD ?? process.cwd());
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  if (options === "help") {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  for (const file of [options.workspaceFile, options.videoFile, options.sentFile]) {
    if (file && (await access(file).then(() => false, () => true))) {
      process.stderr.write(`No such file: ${file}\n`);
      process.exit(2);
    }
  }
  return options;
}

const options = await readOptions();
const result = await runDemo(options, (step) => process.stderr.write(`» ${step}\n`));
process.stdout.write(renderReport(result));
if (options.json) process.stdout.write(`${jsonLine(result)}\n`);
// Emulators and the service are stopped; exit without waiting for stray timers (e.g. gateway heartbeats).
process.exit(result.ok ? 0 : 1);

// `npm run bench`: the pipeline benchmark (see scripts/bench/run.ts for what it does).
//   --json   also print the figures as one JSON object on the last line of stdout
//   --smoke  one short clip and two people at once: checks the benchmark still runs
import { parseArgs } from "node:util";
import { renderReport } from "./bench/report.ts";
import { runBench } from "./bench/run.ts";

const { values } = parseArgs({ options: { json: { type: "boolean", default: false }, smoke: { type: "boolean", default: false } } });

const started = Date.now();
const say = (line: string) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}\n`);
const { info, run, figures } = await runBench({ smoke: values.smoke, say });
process.stdout.write(`${renderReport(info, run, figures)}\n`);
if (values.json) process.stdout.write(`${JSON.stringify(figures)}\n`);
// Emulators and pools may keep handles open; the report is out, so leave.
process.exit(0);

// `npm run soak`: durability under faults, kills and restarts (see scripts/soak/run.ts).
//   --json   also print the figures as one JSON object on the last line of stdout
//   --short  two minutes of traffic and twelve people instead of five minutes and thirty
import { parseArgs } from "node:util";
import { runSoak } from "./soak/run.ts";

const { values } = parseArgs({ options: { json: { type: "boolean", default: false }, short: { type: "boolean", default: false } } });

const started = Date.now();
const say = (line: string) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}\n`);
const result = await runSoak({ short: values.short, say });
const lines = [
  ...Object.entries(result.figures).map(([name, value]) => `${name.padEnd(18)} ${value}`),
  "",
  ...Object.entries(result.details).map(([name, value]) => `${name.padEnd(18)} ${typeof value === "object" ? JSON.stringify(value) : value}`),
  `info               ${JSON.stringify(result.info)}`,
  ...(result.errors.length > 0 ? ["", "errors logged:", ...result.errors.map((e) => `  ${e.slice(0, 400)}`)] : []),
];
process.stdout.write(`${lines.join("\n")}\n`);
if (values.json) process.stdout.write(`${JSON.stringify({ ...result.figures, details: result.details, info: result.info })}\n`);
// Emulators and pools may keep handles open; the report is out, so leave.
process.exit(0);

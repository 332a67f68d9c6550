/**
 * Re-pins one official API description: copies `<file>` (the upstream file at some commit)
 * into test/contracts/<name>/, trimming OpenAI's document to our endpoints, and rewrites the
 * lock entry with the new sha256 values.
 *
 *   node scripts/refresh-contract.ts <discord|openai|telegram> <file> [--commit <sha>] [--license <file>]
 *
 * OpenAI publishes YAML; it is read with python3's PyYAML (no YAML parser is installed in
 * node_modules) and vendored as JSON.
 */
import { execFileSync } from "node:child_process";
import { copyFile, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { CONTRACTS_DIR, type LockEntry, readLock, sha256, writeLock } from "../test/contracts/lock.ts";
import { trimOpenApi } from "../test/contracts/trim-openapi.ts";

/** What each description is and which file of it we vendor. */
const DESCRIPTIONS: Record<string, { repository: string; path: string; vendored: string; transform: LockEntry["transform"] }> = {
  discord: { repository: "discord/discord-api-spec", path: "specs/openapi.json", vendored: "discord/openapi.json", transform: "none" },
  openai: { repository: "openai/openai-openapi", path: "openapi.yaml", vendored: "openai/openapi.json", transform: "trim-openapi-yaml" },
  telegram: { repository: "PaulSonOfLars/telegram-bot-api-spec", path: "api.json", vendored: "telegram/api.json", transform: "none" },
};

/** The OpenAI endpoints production calls. */
const OPENAI_PATHS = ["/audio/transcriptions"];

function yamlToJson(file: string): Record<string, unknown> {
  const json = execFileSync("python3", ["-c", "import json,sys,yaml; json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout, default=str)", file], {
    maxBuffer: 512 * 1024 * 1024,
  });
  return JSON.parse(json.toString("utf8")) as Record<string, unknown>;
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { commit: { type: "string" }, license: { type: "string" } } });
  const [name, file] = positionals;
  const description = name ? DESCRIPTIONS[name] : undefined;
  if (!description || !file) {
    console.error(`usage: node scripts/refresh-contract.ts <${Object.keys(DESCRIPTIONS).join("|")}> <file> [--commit <sha>] [--license <file>]`);
    process.exit(2);
  }
  const lock = await readLock();
  const previous = lock[name!];
  const upstream = await readFile(file);
  const target = path.join(CONTRACTS_DIR, description.vendored);
  const vendored =
    description.transform === "trim-openapi-yaml" ? `${JSON.stringify(trimOpenApi(yamlToJson(file), OPENAI_PATHS), null, 1)}\n` : upstream;
  await writeFile(target, vendored);
  const licenseTarget = path.join(path.dirname(target), "LICENSE");
  if (values.license) await copyFile(values.license, licenseTarget);
  const commit = values.commit ?? previous?.commit;
  if (!commit) throw new Error("--commit is required the first time a description is pinned");
  lock[name!] = {
    repository: description.repository,
    path: description.path,
    commit,
    upstreamSha256: sha256(upstream),
    transform: description.transform,
    files: {
      [description.vendored]: sha256(vendored),
      [path.relative(CONTRACTS_DIR, licenseTarget)]: sha256(await readFile(licenseTarget)),
    },
  };
  await writeLock(lock);
  console.log(`${name}: pinned ${description.repository}@${commit.slice(0, 12)} (${description.vendored}, sha256 ${sha256(vendored).slice(0, 12)}…)`);
}

await main();

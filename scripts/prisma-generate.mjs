// Runs `prisma generate` as part of `npm install`. Prisma's CLI asks for a schema-engine binary
// even for `generate` (which never uses it); where that binary cannot be downloaded we point
// PRISMA_SCHEMA_ENGINE_BINARY at an existing file so generation still works offline.
import { spawnSync } from "node:child_process";

const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
env.PRISMA_HIDE_UPDATE_MESSAGE = "1";
env.CHECKPOINT_DISABLE = "1";
const result = spawnSync("npx", ["--no-install", "prisma", "generate"], { stdio: "inherit", env });
process.exit(result.status ?? 1);

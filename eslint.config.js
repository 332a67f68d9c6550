// Lint, and the import boundaries of docs/ARCHITECTURE.md enforced as rules: each SDK only
// inside its owner room, tables only inside src/db, src/ never reaching into bots/ or
// web-oauth/, and process.env read only by src/config.ts. test/lint/boundaries.test.ts
// checks that each rule fires.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** Which room owns which external package or process-spawning module. */
const OWNERS = {
  "src/notion": ["@notionhq/client"],
  "src/ai": ["openai", "openai/*", "@google/genai", "@google-cloud/vision", "tesseract.js", "@tesseract.js-data/*"],
  "src/media": ["yt-dlp-exec", "child_process", "node:child_process"],
  // The generated Prisma client, by any relative path (`../db/generated/client.ts`).
  "src/db": ["@prisma/*", "prisma", "pg", "@electric-sql/pglite", "pglite-prisma-adapter", "**/generated/*", "**/generated/**"],
  "src/state": ["ioredis"],
  "bots/telegram": ["grammy", "@grammyjs/*"],
  "bots/discord": ["discord.js", "@discordjs/*"],
  "web-oauth": ["express", "helmet", "pino-http"],
};

const APP_FILES = ["src/**/*.ts", "bots/**/*.ts", "web-oauth/**/*.ts"];

function forbiddenFor(room) {
  const patterns = Object.entries(OWNERS)
    .filter(([owner]) => owner !== room)
    .map(([owner, group]) => ({
      group,
      message: `Only ${owner}/ may use this; call its typed functions instead (ARCHITECTURE.md).`,
    }));
  if (room?.startsWith("src/") || room === undefined) {
    patterns.push({
      group: ["**/bots/*", "**/bots/**", "**/web-oauth/*", "**/web-oauth/**"],
      message: "src/ never imports platform or web code; go through the ChatAdapter port.",
    });
  }
  if (room === "bots/telegram") patterns.push({ group: ["**/bots/discord/**"], message: "Bots do not import each other." });
  if (room === "bots/discord") patterns.push({ group: ["**/bots/telegram/**"], message: "Bots do not import each other." });
  return { "no-restricted-imports": ["error", { patterns }] };
}

const ENV_READ = {
  selector: "MemberExpression[object.name='process'][property.name='env']",
  message: "Read configuration through src/config.ts only.",
};
/** `db.prisma.…`, `db.sql.query(…)`, `$queryRaw`…: only src/db touches tables. */
const TABLE_ACCESS = {
  selector: "MemberExpression[property.name=/^(prisma|sql|\\$queryRaw|\\$queryRawUnsafe|\\$executeRaw|\\$executeRawUnsafe|\\$transaction)$/]",
  message: "Only src/db touches tables; call a repository of src/db (jobs, people, connections, schemas) instead.",
};

const roomConfigs = [
  // src/service.ts is the composition root: the one place that wires bots/ and web-oauth/ to the core.
  { files: APP_FILES, ignores: ["src/service.ts"], rules: forbiddenFor(undefined) },
  ...Object.keys(OWNERS).map((room) => ({ files: [`${room}/**/*.ts`], rules: forbiddenFor(room) })),
];

export default tseslint.config(
  { ignores: ["node_modules/**", "src/db/generated/**", "data/**", "tmp/**", "test-artifacts/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: "readonly", console: "readonly", Buffer: "readonly", URL: "readonly", setTimeout: "readonly", clearTimeout: "readonly", setInterval: "readonly", clearInterval: "readonly", fetch: "readonly", AbortController: "readonly", AbortSignal: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
    },
  },
  ...roomConfigs,
  { files: APP_FILES, ignores: ["src/config.ts", "src/db/**"], rules: { "no-restricted-syntax": ["error", ENV_READ, TABLE_ACCESS] } },
  { files: ["src/db/**/*.ts"], rules: { "no-restricted-syntax": ["error", ENV_READ] } },
  { files: ["src/config.ts"], rules: { "no-restricted-syntax": ["error", TABLE_ACCESS] } },
);

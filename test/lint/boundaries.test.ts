/** The architecture's boundaries as ESLint enforces them: each rule fires on a sample that breaks it. */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const eslint = new ESLint({ cwd: root });

/** The rule ids ESLint reports for `code` as if it were the file at `file` (relative to the repository). */
async function rulesFiredOn(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe("the table boundary", () => {
  it("refuses the generated Prisma client imported by a relative path from src/chat", async () => {
    const fired = await rulesFiredOn("src/chat/sample.ts", `import type { Job } from "../db/generated/client.ts";\nexport type J = Job;\n`);
    expect(fired).toEqual([expect.stringMatching(/^no-restricted-imports: .*Only src\/db\//)]);
  });

  it("refuses the generated client from a deeper room and from web-oauth", async () => {
    expect(await rulesFiredOn("src/jobs/stages/sample.ts", `export { Prisma } from "../../db/generated/client.ts";\n`)).toHaveLength(1);
    expect(await rulesFiredOn("web-oauth/sample.ts", `export type { User } from "../src/db/generated/models/User.ts";\n`)).toHaveLength(1);
  });

  it("refuses Prisma's own packages outside src/db", async () => {
    const fired = await rulesFiredOn("src/notion/sample.ts", `import { PrismaClient } from "@prisma/client";\nexport const c = PrismaClient;\n`);
    expect(fired).toEqual([expect.stringMatching(/^no-restricted-imports: /)]);
  });

  it("refuses a Prisma or SQL call reached through the database handle outside src/db", async () => {
    const code = `export const f = (db: { prisma: { job: { count(): Promise<number> } } }) => db.prisma.job.count();\n`;
    expect(await rulesFiredOn("src/metrics.ts", code)).toEqual([expect.stringMatching(/^no-restricted-syntax: Only src\/db touches tables/)]);
    const sql = `export const g = (db: { sql: { query(q: string): Promise<unknown> } }) => db.sql.query("SELECT 1");\n`;
    expect(await rulesFiredOn("web-oauth/sample.ts", sql)).toEqual([expect.stringMatching(/^no-restricted-syntax: Only src\/db touches tables/)]);
  });

  it("lets src/db itself use the generated client", async () => {
    const code = `import { PrismaClient } from "./generated/client.ts";\nexport const make = () => new PrismaClient({} as never).$transaction;\n`;
    expect(await rulesFiredOn("src/db/sample.ts", code)).toEqual([]);
  });
});

describe("the other boundaries", () => {
  it("refuses an SDK outside its owner room", async () => {
    const fired = await rulesFiredOn("src/chat/sample.ts", `import { Client } from "@notionhq/client";\nexport const c = Client;\n`);
    expect(fired).toEqual([expect.stringMatching(/^no-restricted-imports: .*Only src\/notion\//)]);
  });

  it("refuses process.env outside src/config.ts", async () => {
    expect(await rulesFiredOn("src/db/sample.ts", `export const url = process.env.DATABASE_URL;\n`)).toEqual([
      expect.stringMatching(/^no-restricted-syntax: Read configuration through src\/config.ts only/),
    ]);
  });
});

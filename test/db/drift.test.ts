import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as generated from "../../src/db/generated/client.ts";
import { Prisma } from "../../src/db/generated/client.ts";
import { openFreshDatabase } from "../harness/postgres.ts";
import type { Database } from "../../src/db/client.ts";

/**
 * Fails when prisma/schema.prisma (and the client generated from it) and the migrations
 * disagree: a field added without a migration, a column no model knows, a changed type
 * or nullability, an enum value missing.
 */

interface FieldSpec {
  model: string;
  name: string;
  type: string;
  optional: boolean;
  list: boolean;
  nativeType?: string;
}

const SCALARS = new Set(["String", "Int", "BigInt", "Float", "Decimal", "Boolean", "DateTime", "Json", "Bytes"]);

function parseSchema(text: string): { fields: FieldSpec[]; enums: Map<string, string[]> } {
  const fields: FieldSpec[] = [];
  const enums = new Map<string, string[]>();
  const blocks = text.matchAll(/^(model|enum)\s+(\w+)\s*\{([\s\S]*?)^\}/gm);
  for (const [, kind, name, body] of blocks) {
    const lines = body!
      .split("\n")
      .map((l) => l.replace(/\/\/.*$/, "").trim())
      .filter((l) => l && !l.startsWith("@@"));
    if (kind === "enum") {
      enums.set(name!, lines);
      continue;
    }
    for (const line of lines) {
      const match = /^(\w+)\s+(\w+)(\[\])?(\?)?(.*)$/.exec(line);
      if (!match) continue;
      const [, fieldName, type, list, optional, rest] = match;
      fields.push({
        model: name!,
        name: fieldName!,
        type: type!,
        list: Boolean(list),
        optional: Boolean(optional),
        nativeType: /@db\.(\w+)/.exec(rest!)?.[1],
      });
    }
  }
  return { fields, enums };
}

/** The Postgres type each Prisma scalar (with native type) becomes in a migration. */
function expectedUdt(field: FieldSpec, enums: Map<string, string[]>): string {
  if (enums.has(field.type)) return field.type;
  if (field.nativeType === "Uuid") return "uuid";
  const byType: Record<string, string> = {
    String: "text",
    Int: "int4",
    BigInt: "int8",
    Float: "float8",
    Decimal: "numeric",
    Boolean: "bool",
    DateTime: "timestamp",
    Json: "jsonb",
    Bytes: "bytea",
  };
  return byType[field.type]!;
}

describe("schema.prisma and the migrations", () => {
  let database: Awaited<ReturnType<typeof openFreshDatabase>>;
  let db: Database;
  let spec: ReturnType<typeof parseSchema>;
  let columns: { table_name: string; column_name: string; udt_name: string; is_nullable: string }[];

  beforeAll(async () => {
    database = await openFreshDatabase();
    db = database.db;
    spec = parseSchema(await readFile(new URL("../../prisma/schema.prisma", import.meta.url), "utf8"));
    columns = (
      await db.sql.query<(typeof columns)[number]>(
        `SELECT table_name, column_name, udt_name, is_nullable FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
      )
    ).rows;
  });
  afterAll(() => database.cleanup());

  const scalarFields = () => spec.fields.filter((f) => SCALARS.has(f.type) || spec.enums.has(f.type));

  it("reads the same models and fields the generated client was built from", () => {
    const models = Object.values(Prisma.ModelName).sort();
    expect([...new Set(spec.fields.map((f) => f.model))].sort()).toEqual(models);
    for (const model of models) {
      const generatedFields = Object.values(
        (Prisma as unknown as Record<string, Record<string, string>>)[`${model}ScalarFieldEnum`]!,
      ).sort();
      const parsed = scalarFields()
        .filter((f) => f.model === model)
        .map((f) => f.name)
        .sort();
      expect(parsed, `fields of ${model}`).toEqual(generatedFields);
    }
  });

  it("has a table for every model and a model for every table", async () => {
    const tables = [...new Set(columns.map((c) => c.table_name))].sort();
    expect(tables).toEqual(Object.values(Prisma.ModelName).sort());
  });

  it("has a column of a compatible type and nullability for every field", () => {
    for (const field of scalarFields()) {
      const column = columns.find((c) => c.table_name === field.model && c.column_name === field.name);
      expect(column, `column ${field.model}.${field.name}`).toBeDefined();
      expect(column!.udt_name, `type of ${field.model}.${field.name}`).toBe(
        field.list ? `_${expectedUdt(field, spec.enums)}` : expectedUdt(field, spec.enums),
      );
      expect(column!.is_nullable === "YES", `nullability of ${field.model}.${field.name}`).toBe(field.optional);
    }
  });

  it("has a field for every column", () => {
    for (const column of columns) {
      const field = scalarFields().find((f) => f.model === column.table_name && f.name === column.column_name);
      expect(field, `field for column ${column.table_name}.${column.column_name}`).toBeDefined();
    }
  });

  it("has every enum with the same values in the same order", async () => {
    const { rows } = await db.sql.query<{ typname: string; labels: string[] }>(
      `SELECT t.typname, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname`,
    );
    const inDb = Object.fromEntries(rows.map((r) => [r.typname, r.labels]));
    const inClient = Object.fromEntries(
      [...spec.enums.keys()].map((name) => [
        name,
        Object.values((generated as unknown as Record<string, Record<string, string>>)[name]!),
      ]),
    );
    expect(inDb).toEqual(Object.fromEntries(spec.enums));
    expect(inClient).toEqual(Object.fromEntries(spec.enums));
  });

  it("has a unique index for every @@unique and @unique", async () => {
    const { rows } = await db.sql.query<{ indexname: string }>(
      `SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND indexdef LIKE 'CREATE UNIQUE%'`,
    );
    const schemaText = await readFile(new URL("../../prisma/schema.prisma", import.meta.url), "utf8");
    const expected: string[] = [];
    for (const [, model, body] of schemaText.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)) {
      for (const [, cols] of body!.matchAll(/@@unique\(\[([^\]]+)\]\)/g)) {
        expected.push(`${model}_${cols!.split(",").map((c) => c.trim()).join("_")}_key`);
      }
      for (const [, col] of body!.matchAll(/^\s*(\w+)\s+\w+\??\s+.*@unique\b/gm)) expected.push(`${model}_${col}_key`);
    }
    expect(rows.map((r) => r.indexname).filter((n) => !n.endsWith("_pkey")).sort()).toEqual(expected.sort());
  });
});

import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openEmbedded, openPostgres } from "../../src/db/client.ts";
import { readMigrations } from "../../src/db/migrate.ts";
import { createFreshDatabase } from "../harness/postgres.ts";

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe("migrations on boot", () => {
  it("migrates an empty Postgres once and records each migration as Prisma does", async () => {
    const fresh = await createFreshDatabase({ empty: true });
    cleanups.push(fresh.drop);
    // Two processes booting at once: the advisory lock lets exactly one apply each migration.
    const [a, b] = await Promise.all([openPostgres(fresh.url), openPostgres(fresh.url)]);
    await b.close();
    cleanups.push(() => a.close());
    const migrations = await readMigrations();
    const { rows } = await a.sql.query<{ migration_name: string; checksum: string; finished_at: Date; applied_steps_count: number }>(
      `SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(rows.map((r) => r.migration_name)).toEqual(migrations.map((m) => m.name));
    for (const [i, row] of rows.entries()) {
      expect(row.checksum).toBe(createHash("sha256").update(migrations[i]!.sql).digest("hex"));
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.applied_steps_count).toBe(1);
    }
    const user = await a.prisma.user.create({ data: {} });
    expect(await a.prisma.user.findUnique({ where: { id: user.id } })).not.toBeNull();
  });

  it("creates, migrates and reopens the embedded database without applying anything twice", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "reelnotes-pglite-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const first = await openEmbedded(dir);
    await first.prisma.user.create({ data: {} });
    await first.close();
    const again = await openEmbedded(dir);
    cleanups.push(() => again.close());
    const { rows } = await again.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM "_prisma_migrations"`);
    expect(rows[0]!.n).toBe((await readMigrations()).length);
    expect(await again.prisma.user.count()).toBe(1);
  });
});

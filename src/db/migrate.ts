import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Logger } from "../log.ts";

/** The folder holding Prisma's `<timestamp>_<name>/migration.sql` files. */
export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../prisma/migrations");

/** The smallest SQL surface both node-postgres and PGlite offer. */
export interface SqlRunner {
  /** Runs one parameterised statement. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  /** Runs a script of several statements (simple query protocol). */
  exec(sql: string): Promise<void>;
  /** Runs `work` on one connection, so session-level advisory locks hold. */
  withSession<T>(work: (session: SqlRunner) => Promise<T>): Promise<T>;
}

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

// Prisma's own bookkeeping table, column for column, so `prisma migrate status` agrees with us.
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
);`;

// Any constant works; it only has to be the same in every process of this app.
const MIGRATION_LOCK_ID = 72_707_369;

/** Reads the migrations in the order Prisma applies them (by folder name). */
export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

/**
 * Applies pending migrations under an advisory lock, recording each in `_prisma_migrations`
 * exactly as `prisma migrate deploy` does. Returns the names it applied.
 * A migration that was applied with different contents, or that failed before, stops the boot.
 */
export async function applyMigrations(db: SqlRunner, log?: Logger, dir = MIGRATIONS_DIR): Promise<string[]> {
  const migrations = await readMigrations(dir);
  return db.withSession(async (session) => {
    await session.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_ID]);
    try {
      await session.exec(CREATE_MIGRATIONS_TABLE);
      const { rows } = await session.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
        `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
      );
      const applied = new Map(rows.map((r) => [r.migration_name, r]));
      const done: string[] = [];
      for (const migration of migrations) {
        const previous = applied.get(migration.name);
        if (previous) {
          if (!previous.finished_at) {
            throw new Error(`Migration ${migration.name} failed earlier; resolve it with \`prisma migrate resolve\`.`);
          }
          if (previous.checksum !== migration.checksum) {
            log?.warn({ migration: migration.name }, "migration was edited after it was applied");
          }
          continue;
        }
        await applyOne(session, migration);
        done.push(migration.name);
        log?.info({ migration: migration.name }, "applied database migration");
      }
      return done;
    } finally {
      await session.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_ID]);
    }
  });
}

async function applyOne(session: SqlRunner, migration: Migration): Promise<void> {
  const id = randomUUID();
  await session.query(
    `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
     VALUES ($1, $2, $3, now(), 0)`,
    [id, migration.checksum, migration.name],
  );
  try {
    await session.exec(`BEGIN;\n${migration.sql}\nCOMMIT;`);
  } catch (error) {
    await session.exec("ROLLBACK;").catch(() => undefined);
    await session.query(`UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1`, [id, String(error)]);
    throw error;
  }
  await session.query(
    `UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`,
    [id],
  );
}

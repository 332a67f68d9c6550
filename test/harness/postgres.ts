import { createHash, randomBytes } from "node:crypto";
import pg from "pg";
import { applyMigrations, readMigrations } from "../../src/db/migrate.ts";
import { openPostgres, poolRunner, type Database } from "../../src/db/client.ts";

/** Where the test suite may create and drop databases (trust auth on the CI machine). */
export const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

/** Replaces the database name of a Postgres URL. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The template's name changes whenever a migration does, so a stale template is never cloned. */
export async function templateName(): Promise<string> {
  const migrations = await readMigrations();
  const hash = createHash("sha256").update(migrations.map((m) => m.name + m.checksum).join()).digest("hex");
  return `reelnotes_tpl_${hash.slice(0, 12)}`;
}

/** Creates the migrated template database once (safe when several test runs, even of different checkouts, start together). */
export async function ensureTemplate(): Promise<void> {
  const name = await templateName();
  await admin(async (client) => {
    await client.query("SELECT pg_advisory_lock(4242)");
    try {
      const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
      if (exists.rowCount) return;
      // Templates of other migration sets stay: another checkout's test run may be cloning one.
      await client.query(`CREATE DATABASE "${name}"`);
      const pool = new pg.Pool({ connectionString: withDatabase(ADMIN_URL, name), max: 1 });
      try {
        await applyMigrations(poolRunner(pool));
      } finally {
        await pool.end();
      }
      await client.query(`ALTER DATABASE "${name}" IS_TEMPLATE true`);
    } finally {
      await client.query("SELECT pg_advisory_unlock(4242)");
    }
  });
}

/** A brand-new database cloned from the migrated template; `drop` removes it. */
export async function createFreshDatabase(options: { empty?: boolean } = {}): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `reelnotes_test_${randomBytes(6).toString("hex")}`;
  const template = options.empty ? "template0" : await templateName();
  await admin((client) => client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  return {
    name,
    url: withDatabase(ADMIN_URL, name),
    drop: () => admin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

/** A fresh, migrated database opened through the app's own client, for one test file. */
export async function openFreshDatabase(): Promise<{ db: Database; url: string; cleanup(): Promise<void> }> {
  const fresh = await createFreshDatabase();
  const db = await openPostgres(fresh.url, undefined, 5);
  return {
    db,
    url: fresh.url,
    cleanup: async () => {
      await db.close();
      await fresh.drop();
    },
  };
}

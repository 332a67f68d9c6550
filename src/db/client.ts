import { mkdir } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { Config } from "../config.ts";
import type { Logger } from "../log.ts";
import { PrismaClient } from "./generated/client.ts";
import { applyMigrations, type SqlRunner } from "./migrate.ts";

export type { PrismaClient } from "./generated/client.ts";

/** An open database: the Prisma client, raw SQL for the job queue and migrations, and its kind. */
export interface Database {
  kind: "postgres" | "pglite";
  prisma: PrismaClient;
  sql: SqlRunner;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Raw SQL over a node-postgres pool; `withSession` pins one connection. */
export function poolRunner(pool: pg.Pool): SqlRunner {
  const fromClient = (client: pg.PoolClient): SqlRunner => ({
    query: async (sql, params) => ({ rows: (await client.query(sql, params)).rows }),
    exec: async (sql) => {
      await client.query(sql);
    },
    withSession: (work) => work(fromClient(client)),
  });
  return {
    query: async (sql, params) => ({ rows: (await pool.query(sql, params)).rows }),
    exec: async (sql) => {
      await pool.query(sql);
    },
    withSession: async (work) => {
      const client = await pool.connect();
      try {
        return await work(fromClient(client));
      } finally {
        client.release();
      }
    },
  };
}

function pgliteRunner(db: PGlite): SqlRunner {
  const runner: SqlRunner = {
    query: async <T>(sql: string, params?: unknown[]) => ({ rows: (await db.query<T>(sql, params)).rows }),
    exec: async (sql) => {
      await db.exec(sql);
    },
    // PGlite is a single connection already.
    withSession: (work) => work(runner),
  };
  return runner;
}

/** How long an unused pooled connection stays open. */
const IDLE_CONNECTION_MS = 10 * 60_000;

/** Connects to Postgres at `url`, applies pending migrations, and returns the database. */
export async function openPostgres(url: string, log?: Logger, poolSize = 10): Promise<Database> {
  // Connections stay open through quiet minutes: a crowd arriving after a lull would otherwise
  // wait for ten new connections (a backend each) before its first "Queued" (issue 18).
  const pool = new pg.Pool({ connectionString: url, max: poolSize, idleTimeoutMillis: IDLE_CONNECTION_MS });
  pool.on("error", (error) => log?.warn({ err: error }, "idle database connection failed"));
  const sql = poolRunner(pool);
  try {
    await applyMigrations(sql, log);
  } catch (error) {
    await pool.end();
    throw error;
  }
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    kind: "postgres",
    prisma,
    sql,
    ping: async () => {
      await pool.query("SELECT 1");
    },
    close: async () => {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

/** Opens (creating if needed) the embedded PGlite database in `dir` and migrates it. */
export async function openEmbedded(dir: string, log?: Logger): Promise<Database> {
  await mkdir(dir, { recursive: true });
  const db = await PGlite.create(dir);
  const sql = pgliteRunner(db);
  await applyMigrations(sql, log);
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(db) });
  return {
    kind: "pglite",
    prisma,
    sql,
    ping: async () => {
      await db.query("SELECT 1");
    },
    close: async () => {
      await prisma.$disconnect();
      await db.close();
    },
  };
}

/** Opens the configured database: Postgres when DATABASE_URL is set, else embedded PGlite in DATA_DIR. */
export function openDatabase(config: Pick<Config, "databaseUrl" | "dataDir">, log?: Logger): Promise<Database> {
  if (config.databaseUrl) return openPostgres(config.databaseUrl, log);
  return openEmbedded(path.join(config.dataDir, "pglite"), log);
}

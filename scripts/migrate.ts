// `npm run db:migrate`: applies pending migrations to the configured database and exits.
import { ConfigError, loadConfig } from "../src/config.ts";
import { openDatabase } from "../src/db/client.ts";
import { createLogger } from "../src/log.ts";

try {
  const config = loadConfig();
  const log = createLogger(config);
  const db = await openDatabase(config, log);
  log.info({ database: db.kind }, "database is up to date");
  await db.close();
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
}

import type { Config } from "../../src/config.ts";
import type { Database } from "../../src/db/client.ts";
import type { TelegramEmulator } from "../../test/emulators/telegram/index.ts";
import type { World } from "../../test/harness/world.ts";

/** What every part of the benchmark works against. */
export interface BenchContext {
  world: World;
  tg: TelegramEmulator;
  /** The benchmark's own connection to the service's database (to read jobs and checkpoints). */
  db: Database;
  /** The service's configuration, also used by the naive baseline. */
  config: Config;
  /** Progress lines go to stderr so stdout keeps the table and the JSON line. */
  say(line: string): void;
}

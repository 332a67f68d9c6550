import { ensureTemplate } from "./postgres.ts";

/** Runs once before the suite: the migrated template every test database is cloned from. */
export default async function setup(): Promise<void> {
  await ensureTemplate();
}

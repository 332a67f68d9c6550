import { prepareNotionValidators } from "../contracts/notion.ts";
import { resetContractCounts, summariseContractCounts } from "../contracts/summary.ts";
import { ensureTemplate } from "./postgres.ts";

/**
 * Runs once before the suite: the migrated template every test database is cloned from. After
 * the suite, prints how many requests and responses each service's official description checked.
 */
export default async function setup(): Promise<() => Promise<void>> {
  await ensureTemplate();
  await resetContractCounts();
  // Compiled once here (tens of seconds the first time, then cached) so no test waits for it.
  prepareNotionValidators();
  return async () => {
    const counts = await summariseContractCounts();
    const rows = Object.entries(counts).map(([service, { undescribedOperations: _, ...c }]) => ({ service, ...c }));
    if (rows.length > 0) {
      console.log("Exchanges checked against the official API descriptions (test-artifacts/contract-counts.json):");
      console.table(rows);
    }
  };
}

import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { COUNTS_DIR, type ServiceCounts } from "./validation/ledger.ts";

/**
 * The suite-wide figures of contract validation: each test file's counts added up, written to
 * test-artifacts/contract-counts.json and printed once at the end of `npm test`.
 */

/** Clears the counts of an earlier run. */
export async function resetContractCounts(): Promise<void> {
  await rm(COUNTS_DIR, { recursive: true, force: true });
}

/** Adds up the counts of every test file, writes the summary and returns it. */
export async function summariseContractCounts(): Promise<Record<string, ServiceCounts>> {
  const files = await readdir(COUNTS_DIR).catch(() => [] as string[]);
  const total: Record<string, ServiceCounts> = {};
  for (const file of files) {
    const counts = JSON.parse(await readFile(path.join(COUNTS_DIR, file), "utf8")) as Record<string, ServiceCounts>;
    for (const [service, entry] of Object.entries(counts)) {
      const sum = (total[service] ??= { requestsValidated: 0, responsesValidated: 0, invalidRequestsRefused: 0, undescribed: 0, unexplained: 0, undescribedOperations: {}, violations: 0 });
      sum.requestsValidated += entry.requestsValidated;
      sum.responsesValidated += entry.responsesValidated;
      sum.invalidRequestsRefused += entry.invalidRequestsRefused;
      sum.undescribed += entry.undescribed;
      sum.unexplained += entry.unexplained;
      sum.violations += entry.violations;
      for (const [operation, seen] of Object.entries(entry.undescribedOperations)) {
        sum.undescribedOperations[operation] = (sum.undescribedOperations[operation] ?? 0) + seen;
      }
    }
  }
  await mkdir(path.dirname(COUNTS_DIR), { recursive: true });
  await writeFile(path.join(path.dirname(COUNTS_DIR), "contract-counts.json"), `${JSON.stringify(total, null, 2)}\n`);
  return total;
}

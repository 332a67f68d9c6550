import { countsSoFar, describeViolations, takeViolations, type ServiceCounts } from "../../test/contracts/validation/ledger.ts";

/**
 * What the emulators' official API descriptions found during the demo (the emulators run in
 * this process and check every exchange, as in the tests): a violation fails the demo.
 */

/** Exchanges checked per service, and the violations described, if any. */
export interface ContractCheck {
  counts: Record<string, ServiceCounts>;
  violations?: string;
}

/** Reads what the descriptions found so far; the violations are taken, so each is reported once. */
export function contractCheck(): ContractCheck {
  const violations = takeViolations();
  return { counts: countsSoFar(), ...(violations.length > 0 ? { violations: describeViolations(violations) } : {}) };
}

/** One line per service: requests and responses checked, undescribed exchanges, violations. */
export function contractLines(check: ContractCheck): string[] {
  return Object.entries(check.counts).map(
    ([service, c]) =>
      `  ${service.padEnd(9)} ${c.requestsValidated} requests, ${c.responsesValidated} responses checked; ${c.undescribed} undescribed (${c.unexplained} unexplained); ${c.violations} violations`,
  );
}

import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { explainedUndescribed } from "../undescribed.ts";
import type { Verdict } from "./contract.ts";

/**
 * What the emulators' contracts found in this test process: how many requests and responses
 * each service had checked, and the violations not yet reported to a test. `setup.ts` fails
 * the test during which a violation happened and writes the counts for the suite's summary.
 */

/** Counts of one service. */
export interface ServiceCounts {
  requestsValidated: number;
  responsesValidated: number;
  /** Invalid requests the emulator refused with 4xx, as the real service would. */
  invalidRequestsRefused: number;
  /** Exchanges the description does not cover (unknown path or undocumented status). */
  undescribed: number;
  /** Of those, the ones with no reason in undescribed.json: a gap in the checking, or a description to vendor. */
  unexplained: number;
  /** Which operations those were (by their undescribed.json name when listed), with how often each was seen. */
  undescribedOperations: Record<string, number>;
  violations: number;
}

/** One way an emulator's exchange broke the official description. */
export interface Violation {
  service: string;
  direction: "request" | "response";
  operation: string;
  errors: string[];
}

const counts = new Map<string, ServiceCounts>();
let pending: Violation[] = [];

const countsOf = (service: string): ServiceCounts => {
  let entry = counts.get(service);
  if (!entry) {
    entry = { requestsValidated: 0, responsesValidated: 0, invalidRequestsRefused: 0, undescribed: 0, unexplained: 0, undescribedOperations: {}, violations: 0 };
    counts.set(service, entry);
  }
  return entry;
};

/**
 * Records the verdict on one request or response. A request the description rejects is a
 * violation only when the emulator accepted it (status below 400); refusing it is correct.
 */
export function recordVerdict(service: string, direction: Violation["direction"], verdict: Verdict, status: number): void {
  const entry = countsOf(service);
  if (!verdict.described) {
    const listed = explainedUndescribed(service, verdict.operation);
    entry.undescribed += 1;
    if (!listed) entry.unexplained += 1;
    const name = listed ?? verdict.operation;
    entry.undescribedOperations[name] = (entry.undescribedOperations[name] ?? 0) + 1;
    return;
  }
  if (direction === "request") entry.requestsValidated += 1;
  else entry.responsesValidated += 1;
  const { errors } = verdict;
  if (errors.length === 0) return;
  if (direction === "request" && status >= 400) {
    entry.invalidRequestsRefused += 1;
    return;
  }
  entry.violations += 1;
  pending.push({ service, direction, operation: verdict.operation, errors });
}

/** The violations recorded since the last call, which are then forgotten. */
export function takeViolations(): Violation[] {
  const taken = pending;
  pending = [];
  return taken;
}

/** This process's counts so far, kept: for a run outside the test runner, such as the demo. */
export function countsSoFar(): Record<string, ServiceCounts> {
  return structuredClone(Object.fromEntries(counts));
}

/** Errors deepest in the value first: in a union the deepest are the branch that nearly matched. */
const deepestFirst = (errors: string[]): string[] =>
  [...errors].sort((a, b) => b.split(" ")[0]!.split("/").length - a.split(" ")[0]!.split("/").length);

/** Describes violations for a failing test. */
export function describeViolations(violations: Violation[]): string {
  return violations
    .map((v) => `${v.service} ${v.direction} ${v.operation} breaks the official description:\n  ${deepestFirst(v.errors).slice(0, 12).join("\n  ")}`)
    .join("\n");
}

/** The folder where each test file's counts are written and the summary is made. */
export const COUNTS_DIR = path.resolve("test-artifacts", "contracts");

/** Writes this process's counts since the last flush to a file of its own, then starts over. */
export async function flushCounts(): Promise<void> {
  if (counts.size === 0) return;
  const snapshot = Object.fromEntries(counts);
  counts.clear();
  await mkdir(COUNTS_DIR, { recursive: true });
  await writeFile(path.join(COUNTS_DIR, `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`), JSON.stringify(snapshot));
}

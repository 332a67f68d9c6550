import { expect } from "vitest";
import { seededRandom, type Behaviour, type LoggedRequest } from "../emulators/kit.ts";

/**
 * For every 429 in an emulator's request log, the pause before the next request: the evidence
 * that a client waited as long as Retry-After told it. Calls must run one at a time, so the
 * request after a 429 is that call's retry.
 */
export function pausesAfter429(requests: LoggedRequest[]): number[] {
  return requests.flatMap((request, i) => {
    const next = requests[i + 1];
    return request.fault === "429" && next ? [next.at - request.at] : [];
  });
}

/** Makes 30% of an emulator's answers a 429 (Retry-After 1 s) or a 503, in a repeatable pattern. */
export function failThirtyPercent(behaviour: Behaviour): void {
  behaviour.faultRate = 0.3;
  behaviour.randomFaults = [{ kind: "429", retryAfterSeconds: 1 }, { kind: "503" }];
  behaviour.random = seededRandom(3);
}

/** Logs the retry figures of `log` (one call at a time) and checks every 429 was waited out. */
export function expectRetryAfterRespected(service: string, calls: number, log: LoggedRequest[]): void {
  const faults = log.filter((r) => r.fault).length;
  const pauses = pausesAfter429(log);
  console.log(`${service}: ${log.length} requests for ${calls} calls, ${faults} faults injected, pauses after 429 (ms): ${pauses.join(", ")}`);
  expect(faults).toBeGreaterThan(0);
  expect(pauses.length).toBeGreaterThan(0);
  for (const pause of pauses) expect(pause).toBeGreaterThanOrEqual(1000);
}

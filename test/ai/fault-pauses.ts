import type { LoggedRequest } from "../emulators/kit.ts";

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

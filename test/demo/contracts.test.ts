import { describe, expect, it } from "vitest";
import { contractCheck, contractLines } from "../../scripts/demo/contracts.ts";
import { recordVerdict } from "../contracts/validation/ledger.ts";

describe("the demo's check of the emulators' exchanges", () => {
  // "example" is no real service: the deliberate violation stays out of the real services' counts.
  it("reports a violation the demo's emulators recorded, once, so the demo fails on it", () => {
    recordVerdict("example", "request", { operation: "POST /v1/pages", described: true, errors: [] }, 200);
    recordVerdict("example", "response", { operation: "POST /v1/pages 200", described: true, errors: ["/url must be string"] }, 200);
    const check = contractCheck();
    expect(check.violations).toMatch(/^example response POST \/v1\/pages 200 breaks the official description:\n {2}\/url must be string/);
    expect(contractLines(check)).toContainEqual(expect.stringMatching(/^ {2}example +1 requests, 1 responses checked; 0 undescribed \(0 unexplained\); 1 violations$/));
    expect(contractCheck().violations).toBeUndefined();
  });
});

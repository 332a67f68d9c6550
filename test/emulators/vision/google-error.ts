import type { Response } from "express";
import type { FaultResponder } from "../kit.ts";

/** google.rpc.Status names of the HTTP statuses Google APIs answer. */
const STATUS_NAMES: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
};

/** Answers in the error shape every Google JSON API uses: `{ error: { code, message, status, details } }`. */
export function googleError(res: Response, code: number, message: string, details?: unknown[]): void {
  res.status(code).json({ error: { code, message, status: STATUS_NAMES[code] ?? "UNKNOWN", ...(details ? { details } : {}) } });
}

/** The ErrorInfo detail Google adds to a rejected API key. */
export function apiKeyInvalidDetails(service: string): unknown[] {
  return [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "API_KEY_INVALID", domain: "googleapis.com", metadata: { service } }];
}

/** Injected faults in Google's shape: 429 with Retry-After and a RetryInfo detail, 500 INTERNAL, 503 UNAVAILABLE. */
export function googleFaultResponder(overloaded: string): FaultResponder {
  return (fault, _req, res) => {
    if (fault.kind === "429") {
      res.set("Retry-After", String(fault.retryAfterSeconds));
      googleError(res, 429, "Resource has been exhausted (e.g. check quota).", [
        { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: `${fault.retryAfterSeconds}s` },
      ]);
    } else if (fault.kind === "500") {
      googleError(res, 500, "Internal error encountered.");
    } else if (fault.kind === "503") {
      googleError(res, 503, overloaded);
    }
  };
}

/** The API key a Google request carries (`key` query or `x-goog-api-key`), if any. */
export function apiKeyOf(req: { query: Record<string, unknown>; get(name: string): string | undefined }): string | undefined {
  const fromQuery = req.query.key;
  return typeof fromQuery === "string" ? fromQuery : req.get("x-goog-api-key");
}

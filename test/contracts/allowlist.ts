import allowlist from "./allowlist.json" with { type: "json" };

/**
 * Real mistakes in the official descriptions, corrected where they are loaded: each entry
 * sets the value at a JSON pointer of one service's document (replacing or adding it) and says why.
 */

/** One correction of a description. */
export interface Correction {
  service: string;
  /** JSON pointer into the description as vendored. */
  pointer: string;
  value: unknown;
  reason: string;
}

/** Every correction in allowlist.json. */
export const CORRECTIONS: Correction[] = allowlist;

/** `document` with this service's corrections applied (in place, and returned). */
export function corrected<T extends object>(service: string, document: T): T {
  for (const { pointer, value } of CORRECTIONS.filter((c) => c.service === service)) {
    const parts = pointer.slice(1).split("/").map((p) => p.replaceAll("~1", "/").replaceAll("~0", "~"));
    const last = parts.pop()!;
    const parent = parts.reduce<Record<string, unknown>>((at, part) => at[part] as Record<string, unknown>, document as Record<string, unknown>);
    if (!parent || typeof parent !== "object") throw new Error(`allowlist.json: ${service} has nothing at ${pointer}; drop or fix the entry`);
    parent[last] = value;
  }
  return document;
}

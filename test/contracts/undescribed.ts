import known from "./undescribed.json" with { type: "json" };

/**
 * Exchanges the emulators serve that no official description covers, each with the reason it
 * is not a gap: file downloads from a platform's file host, a browser's consent page. Any other
 * undescribed exchange is counted as unexplained.
 */

/** One kind of exchange outside the descriptions. */
interface KnownUndescribed {
  service: string;
  /** Its name in the counts (a template: no ids, no tokens). */
  operation: string;
  /** Matches the verdict's operation (method, path and, for a response, status). */
  pattern: string;
  reason: string;
}

const KNOWN: (KnownUndescribed & { matcher: RegExp })[] = (known as KnownUndescribed[]).map((entry) => ({ ...entry, matcher: new RegExp(entry.pattern) }));

/** The listed name of an undescribed `operation` of `service`, or undefined when no reason is on file. */
export function explainedUndescribed(service: string, operation: string): string | undefined {
  return KNOWN.find((entry) => entry.service === service && entry.matcher.test(operation))?.operation;
}

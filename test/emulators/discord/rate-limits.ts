import { createHash } from "node:crypto";
import type { Request, Response } from "express";
import type { Fault } from "../kit.ts";

/**
 * Faults answered the way Discord answers them: 429 with `retry_after` and the X-RateLimit-*
 * headers that @discordjs/rest reads, 5xx with Discord's `{ message, code }` body.
 */

/** Where a rate limit applies: the bot's own bucket, a resource shared with others, or every route. */
export type RateLimitScope = "user" | "shared" | "global";

/** A 429 fault with Discord's extra details. */
export type RateLimitFault = Extract<Fault, { kind: "429" }> & { scope: RateLimitScope };

/** Which requests a rule applies to: an HTTP method and a path under `/api/v10` (e.g. `/channels/1/messages/2`). */
export interface RouteMatcher {
  method?: string;
  path?: RegExp;
}

/** Matchers for the routes a bot calls most, for `rateLimitNext` and `failNext`. */
export const DiscordRoutes = {
  createMessage: { method: "POST", path: /^\/channels\/[^/]+\/messages$/ },
  editMessage: { method: "PATCH", path: /^\/channels\/[^/]+\/messages\/[^/]+$/ },
  createDm: { method: "POST", path: /^\/users\/@me\/channels$/ },
  interactionCallback: { method: "POST", path: /^\/interactions\/[^/]+\/[^/]+\/callback$/ },
  editOriginalResponse: { method: "PATCH", path: /^\/webhooks\/[^/]+\/[^/]+\/messages\/@original$/ },
  followUp: { method: "POST", path: /^\/webhooks\/[^/]+\/[^/]+$/ },
  registerCommands: { method: "PUT", path: /^\/applications\/[^/]+\/commands$/ },
} satisfies Record<string, RouteMatcher>;

const API_PREFIX = /^\/api\/v\d+/;

/** The request predicate for a matcher (paths are compared without the `/api/v10` prefix). */
export function matchRoute(route: RouteMatcher): (req: Request) => boolean {
  return (req) =>
    (!route.method || req.method === route.method.toUpperCase()) &&
    (!route.path || route.path.test(req.path.replace(API_PREFIX, "")));
}

/** Discord's bucket hashes are opaque; one per route template is enough for discord.js. */
function bucketOf(req: Request): string {
  const template = req.path.replace(API_PREFIX, "").replace(/\/\d{5,}/g, "/:id");
  return createHash("sha1").update(`${req.method} ${template}`).digest("hex").slice(0, 16);
}

/** Answers a kit fault in Discord's shape. */
export function respondLikeDiscord(fault: Fault, req: Request, res: Response): void {
  if (fault.kind === "429") {
    const scope = (fault as Partial<RateLimitFault>).scope ?? "user";
    const retryAfter = fault.retryAfterSeconds;
    const global = scope === "global";
    res.set({
      "Retry-After": String(retryAfter),
      "X-RateLimit-Limit": "5",
      "X-RateLimit-Remaining": "0",
      "X-RateLimit-Reset": ((Date.now() + retryAfter * 1000) / 1000).toFixed(3),
      "X-RateLimit-Reset-After": retryAfter.toFixed(3),
      "X-RateLimit-Bucket": bucketOf(req),
      "X-RateLimit-Scope": scope,
      ...(global && { "X-RateLimit-Global": "true" }),
    });
    res.status(429).json({ message: "You are being rate limited.", retry_after: retryAfter, global, code: 0 });
    return;
  }
  if (fault.kind === "500") res.status(500).json({ message: "500: Internal Server Error", code: 0 });
  else if (fault.kind === "503") res.status(503).json({ message: "503: Service Unavailable", code: 0 });
}

import { Redis } from "ioredis";
import { expect } from "vitest";
import { TEST_REDIS_URL } from "../harness/redis.ts";
import type { LinkingSite } from "./linking-site.ts";
import { Visitor } from "./visitor.ts";

/** The `<h1>` of a page, to tell outcomes apart. */
export function headingOf(html: string): string | undefined {
  return /<h1>(.*?)<\/h1>/s.exec(html)?.[1];
}

/**
 * Plays a person opening a fresh connect link in `visitor`'s browser and confirming it: returns the
 * OAuth state from the way on to Notion, after checking it goes to the configured Notion.
 */
export async function beginSignIn(site: LinkingSite, identityId: string, visitor = new Visitor()): Promise<{ visitor: Visitor; state: string; authorizeUrl: URL }> {
  const { continued, authorizeUrl } = await visitor.confirmConnectLink(await site.connectLink(identityId));
  expect(continued.status).toBe(200);
  if (!authorizeUrl) throw new Error(`The confirmation did not move on to Notion: ${continued.html.slice(0, 300)}`);
  expect(`${authorizeUrl.origin}${authorizeUrl.pathname}`).toBe(`${site.config.notion.apiBaseUrl}/v1/oauth/authorize`);
  return { visitor, state: authorizeUrl.searchParams.get("state")!, authorizeUrl };
}

/** The callback URL Notion would send the browser to. */
export function callbackUrl(site: LinkingSite, params: Record<string, string>): string {
  return `${site.url}/oauth/notion/callback?${new URLSearchParams(params)}`;
}

/** Lets every live key matching `pattern` (under the site's prefix) run out, as time would. */
export async function expireKeys(site: LinkingSite, pattern: string): Promise<number> {
  const redis = new Redis(TEST_REDIS_URL);
  try {
    const keys = await redis.keys(`${site.redisPrefix}${pattern}`);
    for (const key of keys) await redis.pexpire(key, 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    return keys.length;
  } finally {
    redis.disconnect();
  }
}

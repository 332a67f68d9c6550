import type { Request, Response } from "express";

/**
 * The cookie that ties a sign-in to the browser that opened the connect link. HttpOnly and
 * SameSite=Lax: sent on Notion's top-level redirect back to us, never readable by scripts.
 */

const NAME = "reelnotes_link";
const PATH = "/oauth/notion/callback";

/** Sets the browser's sign-in nonce for `maxAgeSeconds`; Secure whenever the site is served over https. */
export function setBrowserNonce(res: Response, nonce: string, maxAgeSeconds: number, secure: boolean): void {
  res.cookie(NAME, nonce, { httpOnly: true, sameSite: "lax", secure, path: PATH, maxAge: maxAgeSeconds * 1000 });
}

/** The nonce this browser carries, if any. */
export function readBrowserNonce(req: Request): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === NAME) return value.join("=") || undefined;
  }
  return undefined;
}

/** Forgets the nonce once the sign-in is over, whatever its outcome. */
export function clearBrowserNonce(res: Response, secure: boolean): void {
  res.clearCookie(NAME, { httpOnly: true, sameSite: "lax", secure, path: PATH });
}

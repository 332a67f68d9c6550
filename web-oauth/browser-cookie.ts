import type { Request, Response } from "express";

/**
 * The cookies that tie the linking flow to one browser, both HttpOnly (never readable by scripts):
 * - the sign-in nonce, SameSite=Lax so Notion's top-level redirect back to us carries it;
 * - the confirmation nonce, SameSite=Strict: only a form on our own page sends it back, so another
 *   site cannot press "Connect" for the person (the form repeats it; both must match).
 */

const SIGN_IN = { name: "reelnotes_link", path: "/oauth/notion/callback", sameSite: "lax" } as const;
const CONFIRM = { name: "reelnotes_confirm", path: "/connect", sameSite: "strict" } as const;

type Cookie = typeof SIGN_IN | typeof CONFIRM;

function set(res: Response, cookie: Cookie, value: string, maxAgeSeconds: number, secure: boolean): void {
  res.cookie(cookie.name, value, { httpOnly: true, sameSite: cookie.sameSite, secure, path: cookie.path, maxAge: maxAgeSeconds * 1000 });
}

function read(req: Request, cookie: Cookie): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === cookie.name) return value.join("=") || undefined;
  }
  return undefined;
}

/** Sets the browser's sign-in nonce for `maxAgeSeconds`; Secure whenever the site is served over https. */
export function setBrowserNonce(res: Response, nonce: string, maxAgeSeconds: number, secure: boolean): void {
  set(res, SIGN_IN, nonce, maxAgeSeconds, secure);
}

/** The sign-in nonce this browser carries, if any. */
export function readBrowserNonce(req: Request): string | undefined {
  return read(req, SIGN_IN);
}

/** Forgets the nonce once the sign-in is over, whatever its outcome. */
export function clearBrowserNonce(res: Response, secure: boolean): void {
  res.clearCookie(SIGN_IN.name, { httpOnly: true, sameSite: SIGN_IN.sameSite, secure, path: SIGN_IN.path });
}

/** Sets the confirmation nonce the connect page's form must repeat. */
export function setConfirmNonce(res: Response, nonce: string, maxAgeSeconds: number, secure: boolean): void {
  set(res, CONFIRM, nonce, maxAgeSeconds, secure);
}

/** The confirmation nonce this browser carries, if any. */
export function readConfirmNonce(req: Request): string | undefined {
  return read(req, CONFIRM);
}

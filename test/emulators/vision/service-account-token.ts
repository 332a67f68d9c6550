import { createPublicKey, createVerify, type KeyObject } from "node:crypto";

/**
 * Google's check of a service account's self-signed JWT, sent as the bearer token: the official
 * clients (google-auth-library's JWTAccess, used by @google-cloud/vision) sign one with the key
 * in the credentials file instead of asking the token endpoint. Accepted when it is RS256, its
 * signature verifies with a key registered for `iss`, `sub` equals `iss`, it has not expired, and
 * it is meant for the API (a scope naming it or cloud-platform, or the API as audience).
 */

/** The claims of an accepted token. */
export interface ServiceAccountClaims {
  iss: string;
  sub: string;
  exp: number;
  iat: number;
  scope?: string;
  aud?: string;
}

const SCOPES = ["https://www.googleapis.com/auth/cloud-platform", "https://www.googleapis.com/auth/cloud-vision"];

function part(text: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as Record<string, unknown>;
}

/** The claims of `token` when it passes, else the reason Google would refuse it. */
export function checkServiceAccountToken(
  token: string,
  keys: Map<string, KeyObject>,
  audience: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): { claims: ServiceAccountClaims } | { refused: string } {
  const pieces = token.split(".");
  if (pieces.length !== 3) return { refused: "not a JWT" };
  const [head, body, signature] = pieces as [string, string, string];
  let header: Record<string, unknown>;
  let claims: ServiceAccountClaims;
  try {
    header = part(head);
    claims = part(body) as unknown as ServiceAccountClaims;
  } catch {
    return { refused: "unreadable JWT" };
  }
  if (header.alg !== "RS256") return { refused: `alg ${String(header.alg)}` };
  const key = keys.get(claims.iss);
  if (!key) return { refused: `unknown service account ${claims.iss}` };
  const verifier = createVerify("RSA-SHA256").update(`${head}.${body}`);
  if (!verifier.verify(key, Buffer.from(signature, "base64url"))) return { refused: "bad signature" };
  if (claims.sub !== claims.iss) return { refused: "sub differs from iss" };
  if (!(claims.exp > nowSeconds)) return { refused: "expired" };
  const scopes = (claims.scope ?? "").split(" ");
  const forThisApi = scopes.some((s) => SCOPES.includes(s)) || claims.aud === audience;
  return forThisApi ? { claims } : { refused: "not meant for this API" };
}

/** A registered service account's public key, from the PEM of its certificate or key. */
export function publicKeyOf(pem: string): KeyObject {
  return createPublicKey(pem);
}

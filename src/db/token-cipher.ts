import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Logger } from "../log.ts";

/**
 * Encrypts Notion access tokens at rest with AES-256-GCM. The key id is stored beside the
 * ciphertext so keys can rotate: the first key encrypts, every listed key still decrypts.
 */
export interface TokenCipher {
  encrypt(plain: string): { ciphertext: string; keyId: string };
  /** @throws when the key id is unknown or the ciphertext was altered. */
  decrypt(ciphertext: string, keyId: string): string;
}

/** One named 32-byte key, base64 encoded (as config.tokenKeys holds them). */
export interface TokenKey {
  id: string;
  key: string;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = "v1";

function keyBytes(key: TokenKey): Buffer {
  const bytes = Buffer.from(key.key, "base64");
  if (bytes.length !== 32) throw new Error(`token key "${key.id}" must be 32 bytes of base64`);
  return bytes;
}

/**
 * Builds the cipher from `keys`; the first one encrypts new tokens.
 * Ciphertext format: `v1.<base64url(iv | tag | encrypted)>`.
 */
export function createTokenCipher(keys: TokenKey[]): TokenCipher {
  if (keys.length === 0) throw new Error("at least one token encryption key is needed");
  const duplicate = keys.find((k, i) => keys.findIndex((other) => other.id === k.id) !== i);
  // Two keys under one id would decrypt old tokens with the wrong key: refuse at startup instead.
  if (duplicate) throw new Error(`two token encryption keys share the id "${duplicate.id}"; give each key its own id`);
  const byId = new Map(keys.map((k) => [k.id, keyBytes(k)] as const));
  const current = keys[0]!;
  const currentKey = byId.get(current.id)!;
  return {
    encrypt(plain) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", currentKey, iv);
      const encrypted = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
      const sealed = Buffer.concat([iv, cipher.getAuthTag(), encrypted]).toString("base64url");
      return { ciphertext: `${VERSION}.${sealed}`, keyId: current.id };
    },
    decrypt(ciphertext, keyId) {
      const key = byId.get(keyId);
      if (!key) throw new Error(`no token encryption key with id "${keyId}" is configured`);
      const [version, sealed] = ciphertext.split(".");
      if (version !== VERSION || !sealed) throw new Error("unrecognised token ciphertext format");
      const bytes = Buffer.from(sealed, "base64url");
      const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(0, IV_BYTES));
      decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString("utf8");
    },
  };
}

/** The key id of a key generated into DATA_DIR. */
export const EMBEDDED_KEY_ID = "embedded";
const KEY_FILE = "token-encryption.key";

/**
 * For embedded defaults with no TOKEN_ENCRYPTION_KEY: reads the key in `dataDir`, generating it
 * once (mode 0600). Losing this file means every linked user has to connect Notion again.
 */
export async function loadOrCreateEmbeddedKey(dataDir: string, log: Logger): Promise<TokenKey> {
  const file = path.join(dataDir, KEY_FILE);
  await mkdir(dataDir, { recursive: true });
  const generated = randomBytes(32).toString("base64");
  try {
    // "wx": two processes starting together cannot both write a different key.
    await writeFile(file, `${generated}\n`, { mode: 0o600, flag: "wx" });
    log.warn(
      { file },
      "TOKEN_ENCRYPTION_KEY is not set: generated a token encryption key in DATA_DIR. Back it up, or set TOKEN_ENCRYPTION_KEY before going to production.",
    );
    return { id: EMBEDDED_KEY_ID, key: generated };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const stored = { id: EMBEDDED_KEY_ID, key: (await readFile(file, "utf8")).trim() };
  keyBytes(stored);
  log.warn({ file }, "TOKEN_ENCRYPTION_KEY is not set: using the token encryption key stored in DATA_DIR.");
  return stored;
}

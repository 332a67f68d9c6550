import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { createTokenCipher, EMBEDDED_KEY_ID, loadOrCreateEmbeddedKey } from "../../src/db/token-cipher.ts";
import { createLogger } from "../../src/log.ts";

const newKey = (id: string) => ({ id, key: randomBytes(32).toString("base64") });

function capturingLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: createLogger({ logLevel: "trace", logPretty: false }, destination), lines };
}

describe("token cipher", () => {
  it("round-trips a token and never stores it in plain text", () => {
    const cipher = createTokenCipher([newKey("primary")]);
    const token = "ntn_secret_" + randomBytes(16).toString("hex");
    const sealed = cipher.encrypt(token);
    expect(sealed.keyId).toBe("primary");
    expect(sealed.ciphertext).not.toContain(token);
    expect(sealed.ciphertext).not.toContain(Buffer.from(token).toString("base64"));
    expect(cipher.decrypt(sealed.ciphertext, sealed.keyId)).toBe(token);
  });

  it("uses a fresh nonce for every encryption", () => {
    const cipher = createTokenCipher([newKey("primary")]);
    expect(cipher.encrypt("same").ciphertext).not.toBe(cipher.encrypt("same").ciphertext);
  });

  it("rotates keys: the new first key encrypts, the old key still decrypts", () => {
    const oldKey = newKey("2025");
    const before = createTokenCipher([oldKey]).encrypt("old token");
    const rotated = createTokenCipher([newKey("2026"), oldKey]);
    expect(rotated.decrypt(before.ciphertext, "2025")).toBe("old token");
    const after = rotated.encrypt("new token");
    expect(after.keyId).toBe("2026");
    expect(rotated.decrypt(after.ciphertext, after.keyId)).toBe("new token");
    expect(() => createTokenCipher([oldKey]).decrypt(after.ciphertext, after.keyId)).toThrow(/no token encryption key/);
  });

  it("refuses two keys with the same id, which would decrypt old tokens with the wrong key", () => {
    expect(() => createTokenCipher([newKey("primary"), newKey("primary")])).toThrow(/share the id "primary"/);
  });

  it("refuses a tampered ciphertext", () => {
    const cipher = createTokenCipher([newKey("primary")]);
    const { ciphertext, keyId } = cipher.encrypt("token");
    const last = ciphertext.at(-1) === "A" ? "B" : "A";
    expect(() => cipher.decrypt(ciphertext.slice(0, -1) + last, keyId)).toThrow();
  });

  it("refuses a key that is not 32 bytes", () => {
    expect(() => createTokenCipher([{ id: "short", key: randomBytes(16).toString("base64") }])).toThrow(/32 bytes/);
  });
});

describe("embedded token key", () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it("is generated once into DATA_DIR with mode 0600, with a warning, and reused afterwards", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "reelnotes-key-"));
    dirs.push(dir);
    const { log, lines } = capturingLogger();
    const first = await loadOrCreateEmbeddedKey(path.join(dir, "data"), log);
    const second = await loadOrCreateEmbeddedKey(path.join(dir, "data"), log);
    expect(first).toEqual(second);
    expect(first.id).toBe(EMBEDDED_KEY_ID);
    expect(Buffer.from(first.key, "base64")).toHaveLength(32);
    const file = path.join(dir, "data", "token-encryption.key");
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readFile(file, "utf8")).trim()).toBe(first.key);
    const warnings = lines.map((l) => JSON.parse(l)).filter((l) => l.level === 40);
    expect(warnings[0].msg).toMatch(/TOKEN_ENCRYPTION_KEY is not set: generated/);
    expect(lines.join("")).not.toContain(first.key);
  });
});

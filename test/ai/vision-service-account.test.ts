import { generateKeyPairSync, randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AiRequestError, createOnScreenTextReader } from "../../src/ai/index.ts";
import { loadConfig } from "../../src/config.ts";
import { startVisionEmulator, type VisionEmulator } from "../emulators/vision.ts";
import { capturingLogger } from "./log-capture.ts";
import { makeCaptionFrames, THREE_CAPTIONS } from "./media.ts";

/**
 * GOOGLE_APPLICATION_CREDENTIALS end to end: a service-account file made here with a fresh RSA
 * key, the official @google-cloud/vision client loading it, and the Vision emulator (on a
 * random port, over http) checking the bearer token it receives against that key.
 */

let dir: string;
let vision: VisionEmulator;
let frame: string;
const email = "reelnotes-ocr@reelnotes-test.iam.gserviceaccount.com";

/** A service-account key file as the Cloud console downloads it, with a fresh key pair. */
async function serviceAccountFile(name: string, tokenUri: string): Promise<{ file: string; publicKey: string }> {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const file = path.join(dir, name);
  const json = {
    type: "service_account",
    project_id: "reelnotes-test",
    private_key_id: randomUUID().replaceAll("-", ""),
    private_key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    client_email: email,
    client_id: "100000000000000000001",
    auth_uri: "https://accounts.google.com/o/oauth2/auth",
    token_uri: tokenUri,
    auth_provider_x509_cert_url: "https://www.googleapis.com/oauth2/v1/certs",
    client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(email)}`,
    universe_domain: "googleapis.com",
  };
  await writeFile(file, JSON.stringify(json, null, 2));
  return { file, publicKey: publicKey.export({ type: "spki", format: "pem" }).toString() };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "ai-vision-sa-"));
  frame = (await makeCaptionFrames(dir, THREE_CAPTIONS, 1))[0]!;
  vision = await startVisionEmulator({ textFor: () => ["Read with a service account"] });
});

afterAll(async () => {
  await vision.stop();
  await rm(dir, { recursive: true, force: true });
});

function readerFor(credentialsFile: string) {
  const config = loadConfig({ GOOGLE_APPLICATION_CREDENTIALS: credentialsFile, VISION_API_ENDPOINT: vision.url });
  return createOnScreenTextReader(config, capturingLogger().log);
}

describe("Google Vision with a service-account file", () => {
  it("reaches the emulator on its own port with a bearer token signed by the file's key, and reads the frame", async () => {
    const { file, publicKey } = await serviceAccountFile("sa.json", `${vision.url}/token`);
    vision.trustServiceAccount(email, publicKey);
    const reader = readerFor(file);
    try {
      const text = await reader.read([frame]);
      expect(text).toMatchObject({ engine: "vision", lines: ["Read with a service account"] });
    } finally {
      await reader.close();
    }
    const annotate = vision.requests.filter((r) => r.path === "/v1/images:annotate");
    expect(annotate.map((r) => r.status)).toEqual([200]);
    expect(String(annotate[0]!.headers.authorization)).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    expect(vision.serviceAccountTokens.at(-1)).toMatchObject({ iss: email, sub: email, scope: expect.stringContaining("https://www.googleapis.com/auth/cloud-") });
    // google-auth-library signs its own token (JWTAccess) for Google APIs: the token endpoint is never asked.
    expect(vision.requests.some((r) => r.path === "/token")).toBe(false);
  });

  it("fails with a request error, not a retry loop, when the key in the file is not the service account's", async () => {
    const { file } = await serviceAccountFile("other-key.json", `${vision.url}/token`);
    const reader = readerFor(file);
    const before = vision.requests.length;
    try {
      const failure = await reader.read([frame]).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(AiRequestError);
      expect((failure as Error).message).toContain("invalid authentication credentials");
    } finally {
      await reader.close();
    }
    expect(vision.requests.slice(before).map((r) => r.status)).toEqual([401]);
  });
});

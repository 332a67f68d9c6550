import express, { type Request, type Response } from "express";
import { createTesseractPool, type RecognisedWord } from "../../src/ai/tesseract-pool.ts";
import { visionContract } from "../contracts/vision.ts";
import { startEmulator, type EmulatorHandle } from "./kit.ts";
import { apiKeyInvalidDetails, apiKeyOf, googleError, googleFaultResponder } from "./vision/google-error.ts";
import { imageKind } from "./vision/image-kind.ts";
import { checkServiceAccountToken, publicKeyOf, type ServiceAccountClaims } from "./vision/service-account-token.ts";

/**
 * Google Cloud Vision emulator: `POST /v1/images:annotate`, checked like the real API (API key
 * or bearer token, at most 16 images, size limits, decodable images) and answered with real
 * OCR by tesseract.js, so tests see the text that is really on screen.
 */

/** Settings of the Vision emulator. */
export interface VisionEmulatorOptions {
  /** Accepted API key (`key=` query or `x-goog-api-key`); default "vision-test-key". */
  apiKey?: string;
  /** Accepted OAuth bearer token; default "vision-test-token". */
  bearerToken?: string;
  /** Tesseract workers for the emulator's OCR; default 1. */
  workers?: number;
  /** Replaces OCR for an image when it returns lines (fast tests of the client's own logic). */
  textFor?: (image: Buffer, index: number) => string[] | undefined;
}

/** A running Vision emulator: the kit's handle plus the number of images it read. */
export interface VisionEmulator extends EmulatorHandle {
  apiKey: string;
  bearerToken: string;
  imagesAnnotated: number;
  /** Switch: accepts self-signed JWTs of this service account (its public key, PEM), as Google does for its registered keys. */
  trustServiceAccount(email: string, publicKeyPem: string): void;
  /** The claims of every service-account token it accepted, in order. */
  serviceAccountTokens: ServiceAccountClaims[];
}

const MAX_IMAGES = 16;
const MAX_IMAGE_BYTES = 20 * 1024 * 1024;
const MAX_REQUEST_BYTES = 40 * 1024 * 1024;
const TEXT_FEATURES = new Set(["TEXT_DETECTION", "DOCUMENT_TEXT_DETECTION"]);
/**
 * Feature.Type by number: proto3 JSON takes an enum as its name or its number, and the official
 * client's REST transport sends numbers (`$alt=json;enum-encoding=int`).
 */
const FEATURE_NAMES: Record<number, string> = { 5: "TEXT_DETECTION", 11: "DOCUMENT_TEXT_DETECTION" };

function featureName(type: string | number | undefined): string {
  return typeof type === "number" ? (FEATURE_NAMES[type] ?? `TYPE_${type}`) : (type ?? "");
}

interface ImageRequest {
  image?: { content?: string; source?: unknown };
  features?: { type?: string | number }[];
}

interface Credentials {
  apiKey: string;
  bearerToken: string;
  serviceAccounts: Map<string, ReturnType<typeof publicKeyOf>>;
  accepted: ServiceAccountClaims[];
}

function authorised(req: Request, res: Response, { apiKey, bearerToken, serviceAccounts, accepted }: Credentials): boolean {
  const bearer = req.get("authorization");
  if (bearer?.startsWith("Bearer ")) {
    if (bearer.slice(7) === bearerToken) return true;
    const checked = checkServiceAccountToken(bearer.slice(7), serviceAccounts, "https://vision.googleapis.com/");
    if ("claims" in checked) {
      accepted.push(checked.claims);
      return true;
    }
    googleError(res, 401, "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.");
    return false;
  }
  const key = apiKeyOf(req);
  if (!key) {
    googleError(res, 403, "The request is missing a valid API key.");
    return false;
  }
  if (key !== apiKey) {
    googleError(res, 400, "API key not valid. Please pass a valid API key.", apiKeyInvalidDetails("vision.googleapis.com"));
    return false;
  }
  return true;
}

function vertices(box: RecognisedWord["box"]): { x: number; y: number }[] {
  return [
    { x: box.x0, y: box.y0 },
    { x: box.x1, y: box.y0 },
    { x: box.x1, y: box.y1 },
    { x: box.x0, y: box.y1 },
  ];
}

/** Starts the Vision emulator on a random local port. Point VISION_API_ENDPOINT at its `url`. */
export async function startVisionEmulator(options: VisionEmulatorOptions = {}): Promise<VisionEmulator> {
  const apiKey = options.apiKey ?? "vision-test-key";
  const bearerToken = options.bearerToken ?? "vision-test-token";
  const pool = createTesseractPool(options.workers ?? 1);
  const credentials: Credentials = { apiKey, bearerToken, serviceAccounts: new Map(), accepted: [] };
  let imagesAnnotated = 0;

  async function annotate(request: ImageRequest, index: number): Promise<object> {
    if (!request.features?.length) return { error: { code: 3, message: "No feature specified." } };
    if (request.image?.source !== undefined && request.image.content === undefined) {
      return { error: { code: 7, message: "We can not access the URL currently. Please download the content and pass it in." } };
    }
    if (typeof request.image?.content !== "string") return { error: { code: 3, message: "Bad image data." } };
    const bytes = Buffer.from(request.image.content, "base64");
    if (bytes.length > MAX_IMAGE_BYTES) {
      return { error: { code: 3, message: `Image size (${bytes.length} bytes) exceeds the limit of ${MAX_IMAGE_BYTES} bytes.` } };
    }
    if (!imageKind(bytes)) return { error: { code: 3, message: "Bad image data." } };
    if (!request.features.some((f) => TEXT_FEATURES.has(featureName(f.type)))) return {};
    imagesAnnotated += 1;
    const configured = options.textFor?.(bytes, index);
    const read = configured ? { lines: configured, words: [] } : await pool.recognise(bytes);
    if (read.lines.length === 0) return {};
    const text = `${read.lines.join("\n")}\n`;
    const allWords = read.words.map((w) => w.box);
    const whole = allWords.length
      ? { x0: Math.min(...allWords.map((b) => b.x0)), y0: Math.min(...allWords.map((b) => b.y0)), x1: Math.max(...allWords.map((b) => b.x1)), y1: Math.max(...allWords.map((b) => b.y1)) }
      : { x0: 0, y0: 0, x1: 0, y1: 0 };
    return {
      textAnnotations: [
        { locale: "en", description: text, boundingPoly: { vertices: vertices(whole) } },
        ...read.words.map((w) => ({ description: w.text, boundingPoly: { vertices: vertices(w.box) } })),
      ],
      fullTextAnnotation: { pages: [{ property: { detectedLanguages: [{ languageCode: "en", confidence: 1 }] }, blocks: [] }], text },
    };
  }

  const handle = await startEmulator(
    (app) => {
      app.post(
        "/v1/images:annotate",
        (req, res, next) => (authorised(req, res, credentials) ? next() : undefined),
        express.json({ limit: MAX_REQUEST_BYTES }),
        async (req, res) => {
          const requests = (req.body as { requests?: ImageRequest[] } | undefined)?.requests;
          if (!Array.isArray(requests) || requests.length === 0) {
            return googleError(res, 400, "Invalid JSON payload: requests must be a non-empty list.");
          }
          if (requests.length > MAX_IMAGES) {
            return googleError(res, 400, `Too many images per request. Max is ${MAX_IMAGES}; got ${requests.length}.`);
          }
          // Answers keep the order of the requests; the pool decides how many images are read at once.
          const responses = await Promise.all(requests.map((r, i) => annotate(r, i)));
          res.json({ responses });
        },
      );
      app.use((error: { type?: string; status?: number }, _req: Request, res: Response, next: (e?: unknown) => void) => {
        if (error.type === "entity.too.large") return googleError(res, 400, `Request payload size exceeds the limit: ${MAX_REQUEST_BYTES} bytes.`);
        if (error.type === "entity.parse.failed") return googleError(res, 400, "Invalid JSON payload received.");
        next(error);
      });
    },
    { respondToFault: googleFaultResponder("The service is currently unavailable."), contract: visionContract() },
  );

  const stopServer = handle.stop;
  const emulator = Object.assign(handle, {
    apiKey,
    bearerToken,
    imagesAnnotated: 0,
    serviceAccountTokens: credentials.accepted,
    trustServiceAccount: (email: string, publicKeyPem: string) => void credentials.serviceAccounts.set(email, publicKeyOf(publicKeyPem)),
    stop: async () => {
      await stopServer();
      await pool.terminate();
    },
  });
  Object.defineProperty(emulator, "imagesAnnotated", { get: () => imagesAnnotated });
  return emulator;
}

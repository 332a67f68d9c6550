import { readFileSync } from "node:fs";
import path from "node:path";
import { corrected } from "./allowlist.ts";
import { CONTRACTS_DIR } from "./lock.ts";
import type { Contract } from "./validation/contract.ts";
import { openApiContract } from "./validation/openapi.ts";

/** OpenAI's OpenAPI document, trimmed to the endpoints we call, as pinned in lock.json. */
export function openAiDescription(): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(CONTRACTS_DIR, "openai/openapi.json"), "utf8")) as Record<string, unknown>;
}

let contract: Contract | undefined;

/**
 * OpenAI's API under /v1, checked against its official OpenAPI document. The emulator reads the
 * upload as `{ filename, bytes }`; the description calls the file a binary string.
 */
export function openAiContract(): Contract {
  contract ??= openApiContract({
    service: "openai",
    document: corrected("openai", openAiDescription()),
    basePath: "/v1",
    requestBody: ({ body }) => {
      if (!body || typeof body !== "object") return body;
      const { file, ...fields } = body as Record<string, unknown>;
      return file === undefined ? fields : { ...fields, file: "<binary>" };
    },
  });
  return contract;
}

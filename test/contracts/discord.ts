import { readFileSync } from "node:fs";
import path from "node:path";
import { corrected } from "./allowlist.ts";
import { CONTRACTS_DIR } from "./lock.ts";
import type { Contract } from "./validation/contract.ts";
import { openApiContract } from "./validation/openapi.ts";

/** Discord's OpenAPI document as pinned in lock.json. */
export function discordDescription(): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(CONTRACTS_DIR, "discord/openapi.json"), "utf8")) as Record<string, unknown>;
}

let contract: Contract | undefined;

/** Discord's REST API under /api/v10, checked against its official OpenAPI document (one per process). */
export function discordContract(): Contract {
  contract ??= openApiContract({ service: "discord", document: corrected("discord", discordDescription()), basePath: "/api/v10" });
  return contract;
}

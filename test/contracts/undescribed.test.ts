import { describe, expect, it } from "vitest";
import { discordContract } from "./discord.ts";
import { notionContract } from "./notion.ts";
import { telegramContract } from "./telegram.ts";
import known from "./undescribed.json" with { type: "json" };
import { explainedUndescribed } from "./undescribed.ts";
import type { Contract, Exchange } from "./validation/contract.ts";

const get = (path: string): Exchange => ({ method: "GET", path, query: {}, contentType: undefined, body: undefined });

/** Names the undescribed request `path` of `contract` is counted under, or "unexplained". */
function countedAs(contract: Contract, exchange: Exchange): string {
  const verdict = contract.checkRequest(exchange);
  expect(verdict.described).toBe(false);
  return explainedUndescribed(contract.service, verdict.operation) ?? "unexplained";
}

describe("exchanges outside the official descriptions", () => {
  it("every listed kind says why it is not a gap", () => {
    for (const entry of known) expect(entry.reason.length, entry.operation).toBeGreaterThan(80);
  });

  it("file downloads and the consent page are counted under their listed names, with no token in them", () => {
    expect(countedAs(telegramContract(), get("/file/bot7000000001:secret/documents/file_1.mp4"))).toBe("GET /file/bot<token>/{file_path}");
    expect(countedAs(discordContract(), get("/attachments/1576/1577/clip%20one.mp4"))).toBe("GET /attachments/{channel_id}/{attachment_id}/{filename}");
    expect(countedAs(notionContract(), get("/v1/oauth/authorize"))).toBe("GET|POST /v1/oauth/authorize");
    expect(telegramContract().checkRequest(get("/file/bot7000000001:secret/a.mp4")).operation).not.toContain("secret");
  });

  it("anything else undescribed stays unexplained", () => {
    expect(countedAs(discordContract(), get("/api/v10/no/such/route"))).toBe("unexplained");
    expect(countedAs(telegramContract(), get("/file/other/a.mp4"))).toBe("unexplained");
  });
});

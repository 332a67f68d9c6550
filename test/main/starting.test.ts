import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/log.ts";
import { startService, type Service } from "../../src/service.ts";

/**
 * A request that reaches the site while the service is still starting is answered at once,
 * never accepted and left hanging. Start-up is held at the moment the site listens until the
 * requests below are answered, so every answer seen here was given during start-up.
 */

let dataDir: string | undefined;
let service: Service | undefined;
afterAll(async () => {
  await service?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  retryAfter: string | null;
  body: string;
}

/** Fetches `url`, giving up after one second (the bound for an answer during start-up). */
async function ask(url: string, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(1000) });
  return { status: res.status, retryAfter: res.headers.get("retry-after"), body: await res.text() };
}

describe("the site during start-up", () => {
  it("answers /health, /ready, pages and webhooks within a second, then serves normally once ready", async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "reelnotes-starting-"));
    const config = loadConfig({ PORT: "0", DATA_DIR: dataDir, LOG_LEVEL: "silent" });
    const during: Record<string, Answer> = {};
    let base = "";
    service = await startService(config, createLogger(config), {
      onListening: async (port) => {
        base = `http://127.0.0.1:${port}`;
        const [health, ready, page, webhook] = await Promise.all([
          ask(`${base}/health`),
          ask(`${base}/ready`),
          ask(`${base}/connect?t=abc`),
          ask(`${base}/telegram/webhook`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ update_id: 1 }) }),
        ]);
        Object.assign(during, { health, ready, page, webhook });
      },
    });

    expect(during.health!.status).toBe(200);
    expect(JSON.parse(during.health!.body)).toEqual({ status: "starting" });
    expect(during.ready!.status).toBe(503);
    expect(during.ready!.retryAfter).toMatch(/^\d+$/);
    expect(JSON.parse(during.ready!.body)).toMatchObject({ status: "starting" });
    for (const answer of [during.page!, during.webhook!]) {
      expect(answer.status).toBe(503);
      expect(answer.retryAfter).toMatch(/^\d+$/);
      expect(answer.body).toBe("reelnotes is starting up. Please try again in a few seconds.");
    }

    // Start-up finished: the real routes answer on the same port.
    const health = await ask(`${base}/health`);
    expect(JSON.parse(health.body)).toEqual({ status: "ok" });
    expect((await ask(`${base}/ready`)).status).toBe(200);
  });
});

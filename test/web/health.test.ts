import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import type { Server } from "node:http";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWebApp } from "../../web-oauth/app.ts";
import { createLogger } from "../../src/log.ts";
import { RedisStateStore } from "../../src/state/index.ts";
import { openFreshDatabase } from "../harness/postgres.ts";

async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  server.close();
  return port;
}

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("Ready to accept connections")) resolve();
    });
  });
  return child;
}

describe("health and readiness", () => {
  let redis: ChildProcess;
  let redisPort: number;
  let server: Server;
  let base: string;
  let state: RedisStateStore;
  let cleanupDb: () => Promise<void>;

  beforeAll(async () => {
    redisPort = await freePort();
    redis = await startRedis(redisPort);
    const database = await openFreshDatabase();
    cleanupDb = database.cleanup;
    state = new RedisStateStore(`redis://127.0.0.1:${redisPort}`, "health:");
    const app = createWebApp({
      log: createLogger({ logLevel: "silent", logPretty: false }),
      readiness: [
        { name: "database", check: () => database.db.ping() },
        { name: "redis", check: () => state.ping() },
      ],
    });
    server = app.listen(0);
    await once(server, "listening");
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.close();
    await state.close();
    redis.kill("SIGKILL");
    await cleanupDb();
  });

  it("says the process is alive", async () => {
    const res = await fetch(`${base}/health`);
    expect(res.status).toBe(200);
  });

  it("is ready when the database and Redis answer", async () => {
    // The first answer from Redis means the connection is up.
    await state.ping();
    const res = await fetch(`${base}/ready`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", checks: { database: "ok", redis: "ok" } });
  });

  it("answers 503 naming Redis while it is down, and recovers without a restart", async () => {
    const closed = once(state.client, "close");
    redis.kill("SIGKILL");
    await once(redis, "exit");
    await closed;
    const down = await fetch(`${base}/ready`);
    expect(down.status).toBe(503);
    const body = (await down.json()) as { failing: string[]; checks: Record<string, string> };
    expect(body.failing).toEqual(["redis"]);
    expect(body.checks.database).toBe("ok");

    const reconnected = once(state.client, "ready");
    redis = await startRedis(redisPort);
    await reconnected;
    const up = await fetch(`${base}/ready`);
    expect(up.status).toBe(200);
  });

  it("answers unknown paths with a plain 404 and no stack trace", async () => {
    const res = await fetch(`${base}/nope`);
    expect(res.status).toBe(404);
    expect(await res.text()).toBe("Not found.");
  });
});

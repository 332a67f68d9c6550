import { once } from "node:events";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createWebApp } from "../../web-oauth/app.ts";
import { createLogger } from "../../src/log.ts";

const TOKEN = "metrics-token-0123456789abcdef";
let server: Server | undefined;

/** The web site with a metrics registry that says `jobs_total 3`; `renders` counts the (costly) renders. */
async function site(token?: string) {
  const counter = { renders: 0 };
  const app = createWebApp({
    log: createLogger({ logLevel: "silent", logPretty: false }),
    readiness: [],
    metrics: { contentType: "text/plain; version=0.0.4", render: async () => (counter.renders++, "jobs_total 3\n"), token },
  });
  server = app.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, counter };
}

afterEach(() => {
  server?.close();
  server = undefined;
});

describe("/metrics", () => {
  it("with METRICS_TOKEN, answers 401 without the bearer token and 200 with it", async () => {
    const { base, counter } = await site(TOKEN);
    const bare = await fetch(`${base}/metrics`);
    expect(bare.status).toBe(401);
    expect(bare.headers.get("www-authenticate")).toContain("Bearer");
    expect((await fetch(`${base}/metrics`, { headers: { authorization: "Bearer wrong-token-0123456789" } })).status).toBe(401);
    expect((await fetch(`${base}/metrics`, { headers: { authorization: TOKEN } })).status).toBe(401);
    expect(counter.renders).toBe(0);
    const good = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(good.status).toBe(200);
    expect(await good.text()).toContain("jobs_total 3");
  });

  it("without METRICS_TOKEN, answers the machine itself but not a client forwarded by a proxy", async () => {
    const { base, counter } = await site();
    expect((await fetch(`${base}/metrics`)).status).toBe(200);
    const forwarded = await fetch(`${base}/metrics`, { headers: { "x-forwarded-for": "203.0.113.7" } });
    expect(forwarded.status).toBe(401);
    expect(counter.renders).toBe(1);
  });
});

import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { createLogger, redactUrl } from "../../src/log.ts";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, log: createLogger({ logLevel: "info", logPretty: false }, stream) };
}

describe("logging", () => {
  it("blanks tokens, keys, Authorization headers and cookies wherever they appear", () => {
    const { lines, log } = capture();
    log.info(
      {
        token: "tok-1",
        accessToken: "tok-2",
        apiKey: "key-3",
        connection: { access_token: "tok-4", clientSecret: "sec-5" },
        req: { headers: { authorization: "Bearer tok-6", cookie: "sid=tok-7" } },
      },
      "hello",
    );
    const text = lines.join("");
    for (const secret of ["tok-1", "tok-2", "key-3", "tok-4", "sec-5", "tok-6", "tok-7"]) expect(text).not.toContain(secret);
    expect(text).toContain("[Redacted]");
    expect(text).toContain("hello");
  });

  it("blanks bot tokens, bearer credentials and API keys inside free text such as a wrapped error's message", () => {
    const { lines, log } = capture();
    const token = "7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
    const cause = new Error(`request to https://api.telegram.org/bot${token}/getUpdates failed, reason: ECONNREFUSED`);
    log.error({ err: Object.assign(new Error("Network request for 'getUpdates' failed!"), { error: cause }) }, "polling failed");
    log.warn({ detail: "Authorization: Bearer ntn_4bC1dE2fG3hI4jK5lM6nO7pQ8rS9tU0v failed; key sk-proj-abcdefghijklmnopqrstuvwxyz" }, "free text");
    const text = lines.join("");
    expect(text).not.toContain(token);
    expect(text).not.toContain("ntn_4bC1dE2fG3hI4jK5lM6nO7pQ8rS9tU0v");
    expect(text).not.toContain("sk-proj-abcdefghijklmnopqrstuvwxyz");
    expect(text).toContain("polling failed");
  });

  it("blanks a Discord Bot credential and a Google key inside error text", () => {
    const { lines, log } = capture();
    const discord = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB";
    const google = "AIzaSyD-abcdefghijklmnopqrstuvwxyz012345";
    log.error({ err: new Error(`401 Unauthorized: Authorization: Bot ${discord}`) }, "discord refused");
    log.error({ err: new Error(`request to https://generativelanguage.googleapis.com/v1beta/models?key=${google}&alt=sse failed`) }, "gemini");
    log.warn({ detail: `x-goog-api-key ${google}` }, "vision");
    const text = lines.join("");
    expect(text).not.toContain(discord);
    expect(text).not.toContain(google);
    expect(text).toContain("discord refused");
  });

  it("blanks authorization headers and *secret* fields at any depth", () => {
    const { lines, log } = capture();
    log.error(
      {
        err: Object.assign(new Error("request failed"), {
          config: { headers: { Authorization: "Basic dXNlcjpwYXNzd29yZA==", "X-Api-Key": "deep-key-1" } },
          response: { request: { headers: { authorization: "Token deep-tok-2" } } },
        }),
        telegram: { webhookSecret: "hook-sec-3", options: { client_secret: "cs-4", nested: { signingSecret: "sig-5" } } },
        keyId: "primary",
      },
      "nested",
    );
    const text = lines.join("");
    for (const secret of ["dXNlcjpwYXNzd29yZA==", "deep-key-1", "deep-tok-2", "hook-sec-3", "cs-4", "sig-5"]) expect(text).not.toContain(secret);
    expect(text).toContain('"keyId":"primary"');
    expect(text).toContain("request failed");
  });

  it("removes one-time tokens and OAuth codes from URLs before they are logged", () => {
    expect(redactUrl("/oauth/notion/callback?code=abc123&state=xyz789")).toBe("/oauth/notion/callback?code=[Redacted]&state=[Redacted]");
    expect(redactUrl("/connect/AbCdEfGhIjKlMnOp_qrstu")).toBe("/connect/[Redacted]");
    expect(redactUrl("/bot123456:AAEhBOweik6ad/getMe")).toBe("/bot[Redacted]/getMe");
  });

  it("ships log lines to Grafana Loki when LOKI_HOST is set, still redacted", async () => {
    const bodies: string[] = [];
    const auth: (string | undefined)[] = [];
    let shipped: () => void = () => undefined;
    const arrived = new Promise<void>((resolve) => (shipped = resolve));
    const loki = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const raw = Buffer.concat(chunks);
        bodies.push(req.headers["content-encoding"] === "gzip" ? gunzipSync(raw).toString() : raw.toString());
        auth.push(req.headers.authorization);
        res.writeHead(204).end();
        if (bodies.join("").includes("shipped to loki")) shipped();
      });
    }).listen(0, "127.0.0.1");
    await once(loki, "listening");
    const host = `http://127.0.0.1:${(loki.address() as AddressInfo).port}`;
    try {
      const log = createLogger({ logLevel: "info", logPretty: false, loki: { host, username: "grafana", password: "pw" } });
      log.info({ jobId: "job-1", token: "tok-loki" }, "shipped to loki");
      await arrived;
      const body = bodies.join("");
      expect(body).toContain("shipped to loki");
      expect(body).toContain("job-1");
      expect(body).not.toContain("tok-loki");
      expect(auth[0]).toBe(`Basic ${Buffer.from("grafana:pw").toString("base64")}`);
    } finally {
      loki.close();
    }
  });
});

import { readFileSync } from "node:fs";
import dotenv from "dotenv";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.ts";

const KEY = Buffer.alloc(32, 7).toString("base64");

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected the configuration to be refused");
}

describe("loadConfig", () => {
  it("runs on embedded defaults with no environment at all", () => {
    const config = loadConfig({});
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redis).toBeUndefined();
    expect(config.port).toBe(8080);
    expect(config.publicUrl).toBe("http://localhost:8080");
    expect(config.notion.redirectUri).toBe("http://localhost:8080/oauth/notion/callback");
    expect(config.jobs.maxLinksPerHour).toBe(30);
    expect(config.media.maxVideoBytes).toBe(200 * 1024 * 1024);
  });

  it("accepts .env.example as it is, and it lists every variable the schema reads", () => {
    const example = dotenv.parse(readFileSync(new URL("../../.env.example", import.meta.url)));
    const config = loadConfig(example);
    expect(config.telegram.apiRoot).toBe("https://api.telegram.org");
    const source = readFileSync(new URL("../../src/config.ts", import.meta.url), "utf8");
    const schemaBlock = source.slice(source.indexOf("const envSchema"), source.indexOf("type Env ="));
    const read = [...schemaBlock.matchAll(/^\s{2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]);
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    for (const name of read) {
      expect(Object.keys(example), `.env.example lists ${name}`).toContain(name);
      expect(readme, `README documents ${name}`).toContain(`\`${name}\``);
    }
  });

  it("accepts WHISPER_API_KEY as the OpenAI key of the original service", () => {
    expect(loadConfig({ WHISPER_API_KEY: "sk-old" }).openai.apiKey).toBe("sk-old");
    expect(loadConfig({ WHISPER_API_KEY: "sk-old", OPENAI_API_KEY: "sk-new" }).openai.apiKey).toBe("sk-new");
  });

  it("builds the Redis URL from REDIS_HOST and REDIS_PORT", () => {
    expect(loadConfig({ REDIS_HOST: "cache", REDIS_PORT: "6380" }).redis?.url).toBe("redis://cache:6380");
    expect(loadConfig({ REDIS_HOST: "cache" }).redis?.url).toBe("redis://cache:6379");
    expect(loadConfig({ REDIS_URL: "redis://a:1", REDIS_HOST: "b" }).redis?.url).toBe("redis://a:1");
  });

  it("strips trailing slashes from base URLs so paths join cleanly", () => {
    expect(loadConfig({ NOTION_API_BASE_URL: "http://127.0.0.1:9/" }).notion.apiBaseUrl).toBe("http://127.0.0.1:9");
  });

  it("keeps the primary key first and accepts older keys for rotation", () => {
    const old = Buffer.alloc(32, 1).toString("base64");
    const config = loadConfig({ TOKEN_ENCRYPTION_KEY: KEY, TOKEN_ENCRYPTION_KEYS: `k2019:${old}` });
    expect(config.tokenKeys).toEqual([
      { id: "primary", key: KEY },
      { id: "k2019", key: old },
    ]);
  });

  it("names every bad variable at once", () => {
    const problems = problemsOf({
      DATABASE_URL: "nonsense",
      TOKEN_ENCRYPTION_KEY: "c2hvcnQ=",
      PORT: "eighty",
      LOG_LEVEL: "loud",
      TELEGRAM_API_ROOT: "ftp://x",
    });
    const named = problems.map((p) => p.split(":")[0]);
    expect(named).toEqual(
      expect.arrayContaining(["DATABASE_URL", "TOKEN_ENCRYPTION_KEY", "PORT", "LOG_LEVEL", "TELEGRAM_API_ROOT"]),
    );
  });

  it("never echoes the value of a bad secret", () => {
    const secret = "super-secret-value-that-is-wrong";
    const problems = problemsOf({ TOKEN_ENCRYPTION_KEY: secret, TELEGRAM_WEBHOOK_SECRET: `${secret}!!` });
    expect(problems.join("\n")).not.toContain(secret);
  });

  it("asks for an encryption key when tokens go to a shared Postgres", () => {
    expect(problemsOf({ DATABASE_URL: "postgresql://localhost/x" })[0]).toMatch(/^TOKEN_ENCRYPTION_KEY:/);
    expect(loadConfig({ DATABASE_URL: "postgresql://localhost/x", TOKEN_ENCRYPTION_KEY: KEY }).databaseUrl).toBe(
      "postgresql://localhost/x",
    );
  });

  it("refuses stand-in media hosts in production, and allows them otherwise", () => {
    expect(problemsOf({ NODE_ENV: "production", MEDIA_EXTRA_ALLOWED_HOSTS: "127.0.0.1:8999" })).toEqual([
      expect.stringMatching(/^MEDIA_EXTRA_ALLOWED_HOSTS: .*NODE_ENV=production/),
    ]);
    expect(loadConfig({ NODE_ENV: "test", MEDIA_EXTRA_ALLOWED_HOSTS: "127.0.0.1:8999" }).media.extraAllowedHosts).toEqual(["127.0.0.1:8999"]);
  });

  it("refuses half a Notion integration", () => {
    expect(problemsOf({ NOTION_CLIENT_ID: "id" })).toEqual([expect.stringMatching(/^NOTION_CLIENT_SECRET:/)]);
  });

  it("names PUBLIC_URL when its port is one Telegram's setWebhook refuses (only 443, 80, 88 and 8443)", () => {
    const webhook = { TELEGRAM_BOT_TOKEN: "1:x", TELEGRAM_WEBHOOK_SECRET: "s3cret_token_long_enough" };
    expect(problemsOf({ ...webhook, PUBLIC_URL: "https://bot.example.com:8080" })).toEqual([expect.stringMatching(/^PUBLIC_URL: Telegram accepts webhooks only on ports 443, 80, 88 or 8443, not 8080/)]);
    for (const url of ["https://bot.example.com", "https://bot.example.com:8443", "https://bot.example.com:88"]) {
      expect(loadConfig({ ...webhook, PUBLIC_URL: url }).publicUrl).toBe(url);
    }
    // Plain http means long polling: no webhook is asked for, so no port rule applies.
    expect(loadConfig({ ...webhook, PUBLIC_URL: "http://localhost:8080" }).publicUrl).toBe("http://localhost:8080");
  });
});

import pino, { type Logger } from "pino";
import type { Config } from "./config.ts";

export type { Logger } from "pino";

/** Paths pino blanks out wherever they appear: tokens, keys, auth headers, cookies, OAuth codes. */
export const REDACTED_PATHS = [
  "token",
  "accessToken",
  "access_token",
  "refreshToken",
  "apiKey",
  "api_key",
  "key",
  "secret",
  "clientSecret",
  "password",
  "authorization",
  "cookie",
  "*.token",
  "*.accessToken",
  "*.access_token",
  "*.apiKey",
  "*.key",
  "*.secret",
  "*.clientSecret",
  "*.password",
  "*.authorization",
  "*.cookie",
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-telegram-bot-api-secret-token"]',
  'req.headers["x-goog-api-key"]',
  "res.headers['set-cookie']",
  "headers.authorization",
  "headers.cookie",
];

/** Query parameters whose values never reach a log line (connect tokens, OAuth codes and states). */
const SECRET_QUERY = /([?&](?:code|state|token|key|secret)=)[^&#\s]*/gi;
const SECRET_PATH = /(\/connect\/|\/bot)[A-Za-z0-9:_-]{8,}/g;

/**
 * Secrets with a recognisable shape, wherever they appear in a line (a Bot API URL inside a
 * wrapped network error, say): Telegram bot tokens, bearer and Discord `Bot` credentials, Notion, OpenAI and
 * Google keys, and `key=` query values.
 */
const SECRET_SHAPES =
  /\d{5,}:[A-Za-z0-9_-]{30,}|(?<=(?:Bearer|Bot) )[A-Za-z0-9._~+/=-]{16,}|\b(?:ntn|secret)_[A-Za-z0-9]{20,}|\bsk-[A-Za-z0-9_-]{20,}|\bAIza[A-Za-z0-9_-]{30,}|(?<=[?&]key=)[^&#\s"\\]+/g;

/** A JSON `"name":"value"` pair at any depth of a log line; the value is blanked when the name says it is a secret. */
const JSON_STRING_FIELD = /"((?:[^"\\]|\\.)*)":"((?:[^"\\]|\\.)*)"/g;
const SECRET_FIELD_NAME = /authorization|cookie|password|secret|token|api[-_]?key|^key$/i;

/** Blanks secrets in one serialised log line: fields named like secrets at any depth, then secret shapes in free text. */
function redactLine(line: string): string {
  return line
    .replace(JSON_STRING_FIELD, (field, name: string) => (SECRET_FIELD_NAME.test(name) ? `"${name}":"[Redacted]"` : field))
    .replace(SECRET_SHAPES, "[Redacted]");
}

/** Removes secrets from a URL-ish string before it is logged. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY, "$1[Redacted]").replace(SECRET_PATH, "$1[Redacted]");
}

/**
 * The service logger: JSON lines, or pretty output when a person runs it in a terminal, and
 * also shipped to Grafana Loki when LOKI_HOST is set. `destination` lets tests capture every line.
 */
export function createLogger(
  config: Pick<Config, "logLevel" | "logPretty"> & Partial<Pick<Config, "loki">>,
  destination?: pino.DestinationStream,
): Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    redact: { paths: REDACTED_PATHS, censor: "[Redacted]" },
    // Last line of defence for secrets inside free text (error messages, nested causes).
    hooks: { streamWrite: redactLine },
    base: { service: "reelnotes" },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (destination) return pino(options, destination);
  const pretty = config.logPretty || process.stdout.isTTY;
  const console: pino.TransportTargetOptions = pretty
    ? { target: "pino-pretty", options: { colorize: true }, level: config.logLevel }
    : { target: "pino/file", options: { destination: 1 }, level: config.logLevel };
  if (!config.loki) return pretty ? pino({ ...options, transport: console }) : pino(options);
  const loki: pino.TransportTargetOptions = {
    target: "pino-loki",
    level: config.logLevel,
    options: {
      host: config.loki.host,
      basicAuth: config.loki.username ? { username: config.loki.username, password: config.loki.password ?? "" } : undefined,
      labels: { service: "reelnotes" },
      batching: true,
      interval: 5,
    },
  };
  return pino(options, pino.transport({ targets: [console, loki] }));
}

import { createHash, timingSafeEqual } from "node:crypto";
import express, { type Express, type NextFunction, type Request, type Response } from "express";
import helmet from "helmet";
import ipaddr from "ipaddr.js";
import { pinoHttp } from "pino-http";
import { redactUrl, type Logger } from "../src/log.ts";

/** A dependency `/ready` asks before saying the service can take work. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export interface WebAppOptions {
  log: Logger;
  readiness: ReadinessCheck[];
  /** Facts /ready shows beside its checks (the yt-dlp version, for one); they never make it fail. */
  readinessDetails?: () => Record<string, unknown>;
  /** Serves Prometheus metrics at /metrics: to `Authorization: Bearer <token>` when a token is set, else to loopback only. */
  metrics?: { contentType: string; render(): Promise<string>; token?: string };
  /** Adds the routes of later rooms (linking pages, webhook, metrics) before the error handler. */
  mount?: (app: Express) => void;
}

const READY_TIMEOUT_MS = 2000;

async function runCheck(check: ReadinessCheck): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timed out")), READY_TIMEOUT_MS);
  });
  try {
    await Promise.race([check.check(), timeout]);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}

/** Whether a request may read /metrics: the right bearer token, or (no token configured) a client on this machine, not behind a proxy. */
function mayReadMetrics(req: Request, token: string | undefined): boolean {
  if (token === undefined) return isLoopback(req.socket.remoteAddress) && isLoopback(req.ip);
  const given = /^Bearer (.+)$/.exec(req.get("authorization") ?? "")?.[1] ?? "";
  // Compare digests so the comparison takes the same time whatever the length.
  return timingSafeEqual(createHash("sha256").update(given).digest(), createHash("sha256").update(token).digest());
}

function isLoopback(address: string | undefined): boolean {
  if (!address || !ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address);
  return parsed.range() === "loopback";
}

/** The public web site: health and readiness here; linking pages and webhooks are mounted. */
export function createWebApp(options: WebAppOptions): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", 1);
  app.use(helmet());
  app.use(
    pinoHttp({
      logger: options.log,
      serializers: {
        req: (req: { method: string; url: string }) => ({ method: req.method, url: redactUrl(req.url) }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      autoLogging: { ignore: (req) => ["/health", "/ready", "/metrics"].includes(req.url ?? "") },
    }),
  );

  app.get("/health", (_req, res) => {
    res.json({ status: "ok" });
  });

  app.get("/ready", async (_req, res) => {
    const results = await Promise.all(options.readiness.map(async (c) => [c.name, await runCheck(c)] as const));
    const failing = results.filter(([, error]) => error !== undefined).map(([name]) => name);
    const checks = Object.fromEntries(results.map(([name, error]) => [name, error === undefined ? "ok" : "unavailable"]));
    const details = options.readinessDetails?.();
    if (failing.length > 0) {
      res.status(503).json({ status: "unavailable", failing, checks, details, message: `Not ready: ${failing.join(", ")} unreachable.` });
      return;
    }
    res.json({ status: "ok", checks, details });
  });

  const metrics = options.metrics;
  if (metrics) {
    app.get("/metrics", async (req, res) => {
      if (!mayReadMetrics(req, metrics.token)) {
        res.status(401).set("WWW-Authenticate", 'Bearer realm="metrics"').type("text/plain").send("Unauthorized.");
        return;
      }
      res.type(metrics.contentType).send(await metrics.render());
    });
  }

  options.mount?.(app);

  app.use((_req: Request, res: Response) => {
    res.status(404).type("text/plain").send("Not found.");
  });
  // Express 5 forwards rejected promises here; a person never sees a stack trace.
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = typeof (error as { status?: unknown }).status === "number" ? (error as { status: number }).status : 500;
    if (status >= 500) req.log.error({ err: error }, "request failed");
    if (res.headersSent) return;
    res.status(status).type("text/plain").send(status >= 500 ? "Something went wrong on our side. Please try again." : "Bad request.");
  });
  return app;
}

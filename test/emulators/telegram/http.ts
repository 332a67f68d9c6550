import express, { type Express, type NextFunction, type Request, type Response } from "express";
import { BotApiError, badRequest, notFound, unauthorized } from "./api-error.ts";
import { Described, METHODS } from "./methods.ts";
import type { Params } from "./params.ts";
import type { ApiCall, TelegramServer } from "./telegram-server.ts";

/**
 * The HTTP face of the emulator: `/bot<token>/<method>` by GET or POST, parameters from the
 * query string, a JSON body or a form, answered `{ ok, result }` or in the error shape.
 */

const PATH = /^\/bot([^/]+)\/([A-Za-z]+)$/;

/** The method name a request calls, in lower case (undefined for other paths). */
export function methodOf(req: Request): string | undefined {
  return PATH.exec(req.path)?.[2]?.toLowerCase();
}

/**
 * Runs one method call against the server state and logs it (also used for webhook replies).
 * Resolves with the outcome: a result, a `Described` result or a `BotApiError`.
 */
export async function callMethod(server: TelegramServer, method: string, params: Params, closed: AbortSignal): Promise<unknown> {
  // Logged before running, so the call is visible as soon as its effects are.
  const call: ApiCall = { method, params, ok: undefined };
  server.apiCalls.push(call);
  let outcome: unknown;
  try {
    const run = METHODS[method.toLowerCase()];
    if (!run) throw notFound();
    outcome = await run(server, params, closed);
  } catch (error) {
    outcome = error instanceof BotApiError ? error : new BotApiError(500, `Internal Server Error: ${(error as Error).message}`);
  }
  const failed = outcome instanceof BotApiError ? outcome : undefined;
  Object.assign(call, { ok: !failed }, failed ? { errorCode: failed.errorCode, description: failed.description } : {});
  return outcome;
}

function send(res: Response, outcome: unknown): void {
  if (outcome instanceof BotApiError) {
    res.status(outcome.errorCode).json(outcome.toBody());
  } else if (outcome instanceof Described) {
    res.json({ ok: true, result: outcome.result, description: outcome.description });
  } else {
    res.json({ ok: true, result: outcome });
  }
}

/** Mounts the Bot API routes on `app`. */
export function mountBotApi(app: Express, server: TelegramServer): void {
  server.files.mount(app, () => server.token);
  app.use(express.json({ limit: "50mb" }), express.urlencoded({ extended: false, limit: "50mb" }));
  app.use(async (req: Request, res: Response, next: NextFunction) => {
    const match = PATH.exec(req.path);
    if (!match) return next();
    const [, token, method] = match as unknown as [string, string, string];
    const params: Params = { ...(req.query as Params), ...((req.body as Params | undefined) ?? {}) };
    const closed = new AbortController();
    res.on("close", () => closed.abort());
    const outcome =
      decodeURIComponent(token) === server.token ? await callMethod(server, method, params, closed.signal) : unauthorized();
    if (!res.writableEnded && !closed.signal.aborted) send(res, outcome);
  });
  app.use((_req: Request, res: Response) => send(res, notFound()));
  app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
    send(res, error instanceof SyntaxError ? badRequest("can't parse JSON object") : new BotApiError(500, error.message));
  });
}

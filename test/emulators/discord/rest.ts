import { type Express, type NextFunction, type Request, type Response, Router } from "express";
import { DiscordApiError, unauthorized } from "./api-error.ts";
import { readBody } from "./request-body.ts";
import { botRoutes } from "./routes-bot.ts";
import { channelRoutes } from "./routes-channels.ts";
import { interactionRoutes } from "./routes-interactions.ts";
import type { DiscordWorld } from "./world.ts";

/** Routes that authenticate with the interaction token in the URL instead of the bot token. */
const TOKEN_IN_URL = /^\/(interactions|webhooks)\//;

/** Mounts Discord's REST API under `/api/v10`: bot token check, routes, errors in Discord's shape. */
export function mountRest(app: Express, world: DiscordWorld): void {
  const api = Router();
  api.use((req, _res, next) => {
    if (TOKEN_IN_URL.test(req.path) || req.get("authorization") === `Bot ${world.token}`) return next();
    next(unauthorized());
  });
  api.use(readBody());
  api.use(botRoutes(world), channelRoutes(world), interactionRoutes(world));
  api.use((_req, res) => {
    res.status(404).json({ message: "404: Not Found", code: 0 });
  });
  app.use("/api/v10", api);
  // Discord's CDN is its own host; here it shares the server (attachment URLs name it in full).
  app.use(world.store.cdn.routes());
  app.use((_req: Request, res: Response) => {
    res.status(404).json({ message: "404: Not Found", code: 0 });
  });
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof DiscordApiError) return void res.status(error.status).json(error.body);
    if ((error as { type?: string }).type === "entity.parse.failed")
      return void res.status(400).json({ message: "The request body contains invalid JSON.", code: 50109 });
    res.status(500).json({ message: `500: Internal Server Error (${(error as Error).message})`, code: 0 });
  });
}

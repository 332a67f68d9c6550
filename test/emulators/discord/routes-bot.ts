import { Router } from "express";
import { toApiApplication, toApiDmChannel } from "./api-objects.ts";
import { DiscordApiError, unknown } from "./api-error.ts";
import { parseCommandList } from "./command-payload.ts";
import { nextSnowflake } from "./ids.ts";
import type { RegisteredCommand } from "./store.ts";
import type { DiscordWorld } from "./world.ts";

/** The bot's own resources: gateway info, users, the application and its commands, opening DMs. */
export function botRoutes(world: DiscordWorld): Router {
  const { store } = world;
  const router = Router();

  router.get("/gateway", (_req, res) => {
    res.json({ url: world.gateway.url });
  });

  router.get("/gateway/bot", (_req, res) => {
    res.json({
      url: world.gateway.url,
      shards: 1,
      session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
    });
  });

  router.get("/users/@me", (_req, res) => {
    // The current user is the bot's own account, with its private fields (UserPIIResponse).
    res.json({ ...store.bot, mfa_enabled: true, locale: "en-US", verified: true });
  });

  router.get("/users/:userId", (req, res) => {
    const state = store.users.get(req.params.userId);
    if (!state) throw unknown("User", 10013);
    res.json(state.user);
  });

  router.post("/users/@me/channels", (req, res) => {
    const recipient = (req.body as { recipient_id?: unknown } | undefined)?.recipient_id;
    const state = typeof recipient === "string" ? store.users.get(recipient) : undefined;
    if (!state) throw new DiscordApiError(400, { message: "Invalid Recipient(s)", code: 50033 });
    res.json(toApiDmChannel(store, state.channelId, state.user));
  });

  router.get("/applications/@me", (_req, res) => {
    res.json(toApiApplication(store));
  });

  router.get("/applications/:appId/commands", (req, res) => {
    if (req.params.appId !== store.applicationId) throw new DiscordApiError(403, { message: "Missing Access", code: 50001 });
    res.json(store.commands);
  });

  router.put("/applications/:appId/commands", (req, res) => {
    if (req.params.appId !== store.applicationId) throw new DiscordApiError(403, { message: "Missing Access", code: 50001 });
    const definitions = parseCommandList(req.body);
    const version = nextSnowflake();
    store.commands = definitions.map((definition): RegisteredCommand => {
      const existing = store.commands.find((c) => c.name === definition.name && c.type === definition.type);
      return {
        contexts: null,
        integration_types: [0],
        default_member_permissions: null,
        dm_permission: true,
        nsfw: false,
        ...definition,
        id: existing?.id ?? nextSnowflake(),
        application_id: store.applicationId,
        version,
      };
    });
    store.changed();
    res.json(store.commands);
  });

  return router;
}

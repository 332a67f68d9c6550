import { Router } from "express";
import { DiscordApiError, invalidFormBody, unknown } from "./api-error.ts";
import { toApiDmChannel, toApiMessage } from "./api-objects.ts";
import { Intents } from "./gateway.ts";
import { applyPayload, blankMessage, MessageFlags, parseMessagePayload } from "./message-payload.ts";
import type { StoredMessage } from "./store.ts";
import { announceMessage, type DiscordWorld } from "./world.ts";

/** DM channels and their messages: send, fetch, edit, delete, typing. */
export function channelRoutes(world: DiscordWorld): Router {
  const { store } = world;
  const router = Router();

  const channelUser = (channelId: string) => {
    const userId = store.channels.get(channelId);
    if (!userId) throw unknown("Channel", 10003);
    return store.users.get(userId)!;
  };

  /** Ephemeral messages and command uses are not channel messages: channel routes cannot see them. */
  const channelMessage = (channelId: string, messageId: string): StoredMessage => {
    channelUser(channelId);
    const message = store.messages.get(messageId);
    if (!message || message.channelId !== channelId || message.kind === "command" || message.flags & MessageFlags.Ephemeral)
      throw unknown("Message", 10008);
    return message;
  };

  router.get("/channels/:channelId", (req, res) => {
    const state = channelUser(req.params.channelId);
    res.json(toApiDmChannel(store, state.channelId, state.user));
  });

  router.post("/channels/:channelId/typing", (req, res) => {
    channelUser(req.params.channelId);
    res.status(204).end();
  });

  router.post("/channels/:channelId/messages", (req, res) => {
    const state = channelUser(req.params.channelId);
    if (state.dmsClosed) throw new DiscordApiError(403, { message: "Cannot send messages to this user", code: 50007 });
    const payload = parseMessagePayload(req.body);
    const replyTo = payload.message_reference?.message_id;
    if (replyTo && store.messages.get(replyTo)?.channelId !== state.channelId)
      throw invalidFormBody([{ path: ["message_reference"], code: "REPLIES_UNKNOWN_MESSAGE", message: "Unknown message" }]);
    const content = applyPayload(blankMessage(), payload);
    const message = store.addMessage({
      channelId: state.channelId,
      from: "bot",
      kind: "message",
      ...content,
      flags: (payload.flags ?? 0) & (MessageFlags.SuppressEmbeds | MessageFlags.SuppressNotifications),
      ...(replyTo && { replyTo }),
    });
    announceMessage(world, "MESSAGE_CREATE", message);
    res.json(toApiMessage(store, message));
  });

  router.get("/channels/:channelId/messages/:messageId", (req, res) => {
    res.json(toApiMessage(store, channelMessage(req.params.channelId, req.params.messageId)));
  });

  router.patch("/channels/:channelId/messages/:messageId", (req, res) => {
    const message = channelMessage(req.params.channelId, req.params.messageId);
    if (message.from !== "bot")
      throw new DiscordApiError(403, { message: "Cannot edit a message authored by another user", code: 50005 });
    const payload = parseMessagePayload(req.body);
    store.editMessage(message, applyPayload(message, payload));
    announceMessage(world, "MESSAGE_UPDATE", message);
    res.json(toApiMessage(store, message));
  });

  router.delete("/channels/:channelId/messages/:messageId", (req, res) => {
    const message = channelMessage(req.params.channelId, req.params.messageId);
    if (message.from !== "bot") throw new DiscordApiError(403, { message: "Missing Permissions", code: 50013 });
    store.messages.delete(message.id);
    store.changed();
    world.gateway.dispatch("MESSAGE_DELETE", { id: message.id, channel_id: message.channelId }, Intents.DirectMessages);
    res.status(204).end();
  });

  return router;
}

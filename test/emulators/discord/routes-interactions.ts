import { type Request, Router } from "express";
import { z } from "zod";
import { DiscordApiError, invalidFormBody, parseFormBody, unknown } from "./api-error.ts";
import { toApiMessage } from "./api-objects.ts";
import { applyPayload, blankMessage, MessageFlags, parseMessagePayload } from "./message-payload.ts";
import type { InteractionRecord, StoredMessage } from "./store.ts";
import { announceMessage, type DiscordWorld } from "./world.ts";

/**
 * Interaction responses and the interaction webhook: the initial callback (once, within the
 * response window), then edits of "@original" and follow-ups while the token lives.
 */

/** Interaction response types. */
export const ResponseType = {
  Pong: 1,
  ChannelMessageWithSource: 4,
  DeferredChannelMessageWithSource: 5,
  DeferredUpdateMessage: 6,
  UpdateMessage: 7,
  AutocompleteResult: 8,
  Modal: 9,
} as const;

/** Which response types each interaction type (2 command, 3 component, 4 autocomplete) accepts. */
const ALLOWED_RESPONSES: Record<InteractionRecord["type"], number[]> = {
  2: [4, 5, 9],
  3: [4, 5, 6, 7, 9],
  4: [8],
};

const choicesSchema = z.looseObject({
  choices: z
    .array(z.looseObject({ name: z.string().min(1).max(100), value: z.union([z.string().max(100), z.number()]) }))
    .max(25),
});

const modalSchema = z.looseObject({
  custom_id: z.string().min(1).max(100),
  title: z.string().min(1).max(45),
  components: z.array(z.looseObject({})).min(1).max(5),
});

const callbackSchema = z.looseObject({ type: z.number().int(), data: z.unknown().optional() });

const unknownInteraction = () => unknown("interaction", 10062);

/** The interaction callback and webhook routes. */
export function interactionRoutes(world: DiscordWorld): Router {
  const { store, timing } = world;
  const router = Router();

  router.post("/interactions/:interactionId/:token/callback", (req, res) => {
    const record = store.interactions.get(req.params.interactionId);
    if (!record || record.token !== req.params.token) throw unknownInteraction();
    const { type, data } = parseFormBody(callbackSchema, req.body);
    if (record.response) {
      record.refused.push({ code: 40060, at: Date.now(), type });
      store.changed();
      throw new DiscordApiError(400, { message: "Interaction has already been acknowledged.", code: 40060 });
    }
    if (Date.now() - record.dispatchedAt > timing.responseWindowMs) {
      record.refused.push({ code: 10062, at: Date.now(), type });
      store.changed();
      throw unknownInteraction();
    }
    const allowed = ALLOWED_RESPONSES[record.type];
    if (!allowed.includes(type))
      throw invalidFormBody([{ path: ["type"], code: "BASE_TYPE_CHOICES", message: `Value must be one of (${allowed.join(", ")}).` }]);
    const message = respond(world, record, type, data);
    record.response = { type, data, at: Date.now() };
    store.changed();
    if (req.query.with_response !== "true") return void res.status(204).end();
    res.json({
      interaction: {
        id: record.id,
        type: record.type,
        ...(message && {
          response_message_id: message.id,
          response_message_loading: message.deferred,
          response_message_ephemeral: (message.flags & MessageFlags.Ephemeral) !== 0,
        }),
      },
      // Only a message sent or updated now is a resource (the description's oneOf: types 4, 7, 12).
      ...(message && (type === 4 || type === 7) && { resource: { type, message: toApiMessage(store, message) } }),
    });
  });

  const recordForToken = (req: Request<{ appId: string; token: string }>): InteractionRecord => {
    const record = [...store.interactions.values()].find((r) => r.token === req.params.token);
    if (req.params.appId !== store.applicationId || !record) throw unknown("Webhook", 10015);
    if (Date.now() - record.dispatchedAt > timing.tokenLifetimeMs)
      throw new DiscordApiError(401, { message: "Invalid Webhook Token", code: 50027 });
    return record;
  };

  const webhookMessage = (record: InteractionRecord, messageId: string): StoredMessage => {
    const id = messageId === "@original" ? record.originalMessageId : messageId;
    const message = id ? store.messages.get(id) : undefined;
    const ours = message && (id === record.originalMessageId || record.followUpIds.includes(message.id));
    if (!message || !ours) throw unknown("Message", 10008);
    return message;
  };

  router.get("/webhooks/:appId/:token/messages/:messageId", (req, res) => {
    const record = recordForToken(req);
    res.json(toApiMessage(store, webhookMessage(record, req.params.messageId)));
  });

  router.patch("/webhooks/:appId/:token/messages/:messageId", (req, res) => {
    const record = recordForToken(req);
    const message = webhookMessage(record, req.params.messageId);
    const next = applyPayload(message.deferred ? blankMessage() : message, parseMessagePayload(req.body));
    if (message.deferred) {
      Object.assign(message, next, { deferred: false });
      store.changed();
    } else {
      store.editMessage(message, next);
    }
    announceMessage(world, "MESSAGE_UPDATE", message);
    res.json(toApiMessage(store, message));
  });

  router.delete("/webhooks/:appId/:token/messages/:messageId", (req, res) => {
    const record = recordForToken(req);
    const message = webhookMessage(record, req.params.messageId);
    store.messages.delete(message.id);
    store.changed();
    res.status(204).end();
  });

  router.post("/webhooks/:appId/:token", (req, res) => {
    const record = recordForToken(req);
    if (!record.response || record.type === 4) throw unknown("Webhook", 10015);
    const payload = parseMessagePayload(req.body);
    const message = store.addMessage({
      channelId: record.channelId,
      from: "bot",
      kind: "follow-up",
      ...applyPayload(blankMessage(), payload),
      flags: (payload.flags ?? 0) & (MessageFlags.Ephemeral | MessageFlags.SuppressEmbeds | MessageFlags.SuppressNotifications),
      interactionId: record.id,
    });
    record.followUpIds.push(message.id);
    announceMessage(world, "MESSAGE_CREATE", message);
    if (req.query.wait === "true") res.json(toApiMessage(store, message));
    else res.status(204).end();
  });

  return router;
}

/** Applies an accepted initial response; returns the message it created or updated, if any. */
function respond(world: DiscordWorld, record: InteractionRecord, type: number, data: unknown): StoredMessage | undefined {
  const { store } = world;
  const flagsOf = (value: unknown) =>
    (((value as { flags?: number } | undefined)?.flags ?? 0) &
      (MessageFlags.Ephemeral | MessageFlags.SuppressEmbeds | MessageFlags.SuppressNotifications));
  switch (type) {
    case ResponseType.ChannelMessageWithSource:
    case ResponseType.DeferredChannelMessageWithSource: {
      const deferred = type === ResponseType.DeferredChannelMessageWithSource;
      const content = deferred
        ? blankMessage()
        : applyPayload(blankMessage(), parseMessagePayload(data, ["data"]));
      const message = store.addMessage({
        channelId: record.channelId,
        from: "bot",
        kind: "response",
        ...content,
        flags: flagsOf(data),
        deferred,
        interactionId: record.id,
      });
      record.originalMessageId = message.id;
      announceMessage(world, "MESSAGE_CREATE", message);
      return message;
    }
    case ResponseType.DeferredUpdateMessage:
      record.originalMessageId = record.componentMessageId;
      return undefined;
    case ResponseType.UpdateMessage: {
      const message = store.messages.get(record.componentMessageId!)!;
      store.editMessage(message, applyPayload(message, parseMessagePayload(data, ["data"])));
      record.originalMessageId = message.id;
      announceMessage(world, "MESSAGE_UPDATE", message);
      return message;
    }
    case ResponseType.AutocompleteResult:
      parseFormBody(choicesSchema, data, ["data"]);
      return undefined;
    case ResponseType.Modal:
      parseFormBody(modalSchema, data, ["data"]);
      return undefined;
    default:
      return undefined;
  }
}

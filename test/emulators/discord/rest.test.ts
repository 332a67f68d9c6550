import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DiscordEmulator, DiscordRoutes, Intents, startDiscordEmulator } from "./index.ts";
import { RawGateway } from "./raw-gateway.ts";

const COMMANDS = [
  { name: "help", description: "How to use the bot" },
  {
    name: "tag",
    description: "Pick the database for your next links",
    options: [{ type: 3, name: "database", description: "A database", required: true, autocomplete: true }],
  },
];

describe("Discord emulator REST", () => {
  let discord: DiscordEmulator;
  let gateway: RawGateway;
  let channelId: string;

  const call = async (method: string, path: string, body?: unknown, auth: string | null = `Bot ${discord.token}`) => {
    const response = await fetch(`${discord.apiBase}/v10${path}`, {
      method,
      headers: { ...(auth && { authorization: auth }), ...(body !== undefined && { "content-type": "application/json" }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
  };
  const send = (body: unknown) => call("POST", `/channels/${channelId}/messages`, body);

  beforeAll(async () => {
    discord = await startDiscordEmulator({ interactionResponseWindowMs: 300 });
    gateway = await RawGateway.identify(discord.gatewayUrl, discord.token, Intents.DirectMessages);
    discord.user("3001", { username: "grace" });
    channelId = ((await call("POST", "/users/@me/channels", { recipient_id: "3001" })).body as { id: string }).id;
  });
  afterAll(async () => {
    gateway.close();
    await discord.stop();
  });

  it("rejects a request without the bot token with Discord's 401 body", async () => {
    expect(await call("GET", "/users/@me", undefined, null)).toMatchObject({ status: 401, body: { message: "401: Unauthorized", code: 0 } });
    expect(await call("GET", "/users/@me", undefined, "Bot nope")).toMatchObject({ status: 401 });
  });

  it("hands out the gateway URL, one shard and the session start limit", async () => {
    const { body } = await call("GET", "/gateway/bot");
    expect(body).toEqual({
      url: discord.gatewayUrl,
      shards: 1,
      session_start_limit: { total: 1000, remaining: 999, reset_after: expect.any(Number), max_concurrency: 1 },
    });
  });

  it("opens the same DM channel for a user every time, and refuses unknown recipients", async () => {
    const again = await call("POST", "/users/@me/channels", { recipient_id: "3001" });
    expect(again.body).toMatchObject({ id: channelId, type: 1, recipients: [{ id: "3001" }] });
    expect(await call("POST", "/users/@me/channels", { recipient_id: "42" })).toMatchObject({ status: 400, body: { code: 50033 } });
  });

  it("refuses content over 2000 characters with 50035 and the field's error", async () => {
    const { status, body } = await send({ content: "x".repeat(2001) });
    expect(status).toBe(400);
    expect(body).toEqual({
      message: "Invalid Form Body",
      code: 50035,
      errors: { content: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH", message: "Must be 2000 or fewer in length." }] } },
    });
  });

  it("refuses an empty message with 50006", async () => {
    expect(await send({ content: "" })).toMatchObject({ status: 400, body: { code: 50006, message: "Cannot send an empty message" } });
  });

  it("checks embed limits: title, description, field count, embed count and the 6000 total", async () => {
    const title = await send({ embeds: [{ title: "t".repeat(257) }] });
    expect(title.body).toMatchObject({ code: 50035, errors: { embeds: { "0": { title: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH" }] } } } } });
    const description = await send({ embeds: [{ description: "d".repeat(4097) }] });
    expect(description.body).toMatchObject({ errors: { embeds: { "0": { description: expect.anything() } } } });
    const fields = await send({ embeds: [{ fields: Array.from({ length: 26 }, (_, i) => ({ name: `f${i}`, value: "v" })) }] });
    expect(fields.body).toMatchObject({ errors: { embeds: { "0": { fields: expect.anything() } } } });
    const tooMany = await send({ embeds: Array.from({ length: 11 }, () => ({ title: "t" })) });
    expect(tooMany.body).toMatchObject({ errors: { embeds: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH" }] } } });
    const total = await send({ embeds: [{ description: "d".repeat(4000) }, { description: "d".repeat(2001) }] });
    expect(total.body).toMatchObject({ errors: { embeds: { _errors: [{ code: "MAX_EMBED_SIZE_EXCEEDED" }] } } });
  });

  it("checks components: link buttons take a url and no custom_id, rows hold five buttons, five rows at most", async () => {
    const link = await send({ components: [{ type: 1, components: [{ type: 2, style: 5, label: "Open", url: "https://notion.so/x", custom_id: "x" }] }] });
    expect(link.body).toMatchObject({ code: 50035, errors: { components: { "0": { components: { "0": { custom_id: expect.anything() } } } } } });
    const noUrl = await send({ components: [{ type: 1, components: [{ type: 2, style: 5, label: "Open" }] }] });
    expect(noUrl.body).toMatchObject({ errors: { components: { "0": { components: { "0": { url: expect.anything() } } } } } });
    const button = (i: number) => ({ type: 2, style: 1, label: `b${i}`, custom_id: `b${i}` });
    const wide = await send({ components: [{ type: 1, components: [0, 1, 2, 3, 4, 5].map(button) }] });
    expect(wide.body).toMatchObject({ errors: { components: { "0": { components: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH" }] } } } } });
    const tall = await send({ components: [0, 1, 2, 3, 4, 5].map((i) => ({ type: 1, components: [button(i)] })) });
    expect(tall.body).toMatchObject({ errors: { components: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH" }] } } });
    const longId = await send({ components: [{ type: 1, components: [{ ...button(0), custom_id: "c".repeat(101) }] }] });
    expect(longId.body).toMatchObject({ errors: { components: { "0": { components: { "0": { custom_id: expect.anything() } } } } } });
  });

  it("keeps a valid message with its embed and link button in the user's transcript", async () => {
    const components = [{ type: 1, components: [{ type: 2, style: 5, label: "Open in Notion", url: "https://notion.so/page" }] }];
    const { status, body } = await send({ content: "Saved", embeds: [{ title: "Video", description: "Summary" }], components });
    expect(status).toBe(200);
    expect(body).toMatchObject({ channel_id: channelId, author: { id: discord.bot.id, bot: true }, content: "Saved" });
    expect(discord.transcript("3001").at(-1)).toMatchObject({ from: "bot", text: "Saved", embeds: [{ title: "Video" }], components });
  });

  it("records each edit of a bot message, and refuses to edit the user's messages", async () => {
    const { body } = await send({ content: "Downloading…" });
    const path = `/channels/${channelId}/messages/${(body as { id: string }).id}`;
    await call("PATCH", path, { content: "Transcribing…" });
    const edited = await call("PATCH", path, { embeds: [{ title: "Done" }] });
    expect(edited.body).toMatchObject({ content: "Transcribing…", embeds: [{ title: "Done" }], edited_timestamp: expect.any(String) });
    expect(discord.transcript("3001").at(-1)).toMatchObject({ text: "Transcribing…", edits: ["Transcribing…", "Transcribing…"] });
    const theirs = discord.user("3001").sendDm("hi");
    expect(await call("PATCH", `/channels/${channelId}/messages/${theirs.messageId}`, { content: "no" })).toMatchObject({ status: 403, body: { code: 50005 } });
  });

  it("answers 50007 when the user does not accept DMs", async () => {
    discord.user("3001").closeDms();
    expect(await send({ content: "hello" })).toMatchObject({ status: 403, body: { code: 50007 } });
    discord.user("3001").closeDms(false);
  });

  it("validates command registration like Discord", async () => {
    const path = `/applications/${discord.applicationId}/commands`;
    const upper = await call("PUT", path, [{ name: "Tag", description: "x" }]);
    expect(upper.body).toMatchObject({ code: 50035, errors: { "0": { name: { _errors: [{ code: "APPLICATION_COMMAND_INVALID_NAME" }] } } } });
    expect((await call("PUT", path, [{ name: "tag" }])).body).toMatchObject({ errors: { "0": { description: expect.anything() } } });
    expect((await call("PUT", path, [COMMANDS[0], COMMANDS[0]])).body).toMatchObject({ errors: { "1": { name: expect.anything() } } });
    const both = [{ name: "tag", description: "x", options: [{ type: 3, name: "db", description: "d", autocomplete: true, choices: [{ name: "a", value: "a" }] }] }];
    expect((await call("PUT", path, both)).body).toMatchObject({ errors: { "0": { options: { "0": { autocomplete: expect.anything() } } } } });
    const order = [{ name: "tag", description: "x", options: [{ type: 3, name: "a", description: "a" }, { type: 3, name: "b", description: "b", required: true }] }];
    expect((await call("PUT", path, order)).body).toMatchObject({ errors: { "0": { options: { "1": expect.anything() } } } });
  });

  it("registers commands by bulk overwrite and keeps their ids across overwrites", async () => {
    const path = `/applications/${discord.applicationId}/commands`;
    const first = (await call("PUT", path, COMMANDS)).body as unknown as { id: string; name: string }[];
    const second = (await call("PUT", path, COMMANDS)).body as unknown as { id: string; name: string }[];
    expect(second.map((c) => c.id)).toEqual(first.map((c) => c.id));
    expect(discord.commands.map((c) => c.name)).toEqual(["help", "tag"]);
  });

  it("answers 429 with retry_after and rate-limit headers for exactly the next matching requests", async () => {
    const { body } = await send({ content: "progress" });
    const path = `/channels/${channelId}/messages/${(body as { id: string }).id}`;
    discord.rateLimitNext(2, DiscordRoutes.editMessage, { retryAfterSeconds: 0.25 });
    expect((await send({ content: "not an edit" })).status).toBe(200);
    const limited = await call("PATCH", path, { content: "1" });
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ message: "You are being rate limited.", retry_after: 0.25, global: false, code: 0 });
    for (const header of ["retry-after", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "x-ratelimit-reset-after", "x-ratelimit-bucket"])
      expect(limited.headers.get(header), header).toBeTruthy();
    expect(limited.headers.get("x-ratelimit-scope")).toBe("user");
    expect((await call("PATCH", path, { content: "2" })).status).toBe(429);
    expect((await call("PATCH", path, { content: "3" })).status).toBe(200);
  });

  describe("interactions", () => {
    const callback = (id: string, token: string, body: unknown) => call("POST", `/interactions/${id}/${token}/callback`, body, null);

    beforeAll(async () => {
      await call("PUT", `/applications/${discord.applicationId}/commands`, COMMANDS);
    });

    it("dispatches a slash command from a DM as INTERACTION_CREATE type 2 with the user and channel", async () => {
      const from = gateway.frames.length;
      const record = discord.user("3001").runCommand("tag", { database: "Reading" });
      const event = await gateway.next((f) => f.t === "INTERACTION_CREATE", from);
      expect(event.d).toMatchObject({
        id: record.id,
        token: record.token,
        type: 2,
        application_id: discord.applicationId,
        channel: { id: channelId, type: 1 },
        user: { id: "3001" },
        context: 1,
        data: { name: "tag", type: 1, options: [{ name: "database", type: 3, value: "Reading" }] },
      });
      expect(event.d).not.toHaveProperty("guild_id");
    });

    it("refuses a command the bot did not register, and a missing required option", () => {
      expect(() => discord.user("3001").runCommand("status")).toThrow(/not registered/);
      expect(() => discord.user("3001").runCommand("tag")).toThrow(/needs option database/);
    });

    it("accepts one initial response and refuses a second with 40060", async () => {
      const record = discord.user("3001").runCommand("help");
      expect((await callback(record.id, record.token, { type: 4, data: { content: "Send me a link", flags: 64 } })).status).toBe(204);
      expect(await callback(record.id, record.token, { type: 4, data: { content: "again" } })).toMatchObject({ status: 400, body: { code: 40060 } });
      expect(discord.transcript("3001").slice(-2)).toMatchObject([
        { from: "user", kind: "command", text: "/help" },
        { from: "bot", kind: "response", text: "Send me a link", ephemeral: true },
      ]);
    });

    it("answers 10062 Unknown interaction once the response window has passed", async () => {
      const record = discord.user("3001").runCommand("help");
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(await callback(record.id, record.token, { type: 5 })).toEqual({ status: 404, headers: expect.anything(), body: { message: "Unknown interaction", code: 10062 } });
      expect(record.response).toBeUndefined();
      expect(record.refused).toMatchObject([{ code: 10062, type: 5 }]);
    });

    it("shows a deferred response as thinking until @original is edited, then takes follow-ups", async () => {
      const record = discord.user("3001").runCommand("help");
      const result = await call("POST", `/interactions/${record.id}/${record.token}/callback?with_response=true`, { type: 5, data: { flags: 64 } }, null);
      expect(result.body).toMatchObject({ interaction: { id: record.id, response_message_loading: true, response_message_ephemeral: true } });
      expect(discord.transcript("3001").at(-1)).toMatchObject({ from: "bot", deferred: true, ephemeral: true, text: "" });
      const webhook = `/webhooks/${discord.applicationId}/${record.token}`;
      expect((await call("PATCH", `${webhook}/messages/@original`, { content: "Here is how" }, null)).status).toBe(200);
      expect(discord.transcript("3001").at(-1)).toMatchObject({ text: "Here is how", ephemeral: true, edits: [] });
      expect(discord.transcript("3001").at(-1)).not.toHaveProperty("deferred");
      const followUp = await call("POST", `${webhook}?wait=true`, { content: "One more thing", flags: 64 }, null);
      expect(followUp.body).toMatchObject({ content: "One more thing", flags: 64 });
      expect(discord.transcript("3001").at(-1)).toMatchObject({ kind: "follow-up", text: "One more thing", ephemeral: true });
    });

    it("refuses response types that do not fit the interaction", async () => {
      const record = discord.user("3001").runCommand("help");
      expect(await callback(record.id, record.token, { type: 8, data: { choices: [] } })).toMatchObject({ status: 400, body: { code: 50035, errors: { type: expect.anything() } } });
      expect(await callback(record.id, record.token, { type: 4, data: { content: "x".repeat(2001) } })).toMatchObject({ body: { errors: { data: { content: expect.anything() } } } });
      expect(record.response).toBeUndefined();
    });

    it("returns the autocomplete choices the bot answered with", async () => {
      const from = gateway.frames.length;
      const choices = discord.user("3001").autocomplete("tag", "database", "Rea");
      const event = await gateway.next((f) => f.t === "INTERACTION_CREATE", from);
      const { id, token, data } = event.d as { id: string; token: string; data: unknown };
      expect(data).toMatchObject({ name: "tag", options: [{ name: "database", value: "Rea", focused: true }] });
      await callback(id, token, { type: 8, data: { choices: [{ name: "Reading list", value: "db-1" }] } });
      expect(await choices).toEqual([{ name: "Reading list", value: "db-1" }]);
    });

    it("rejects a webhook edit once the interaction token has expired", async () => {
      const shortLived = await startDiscordEmulator({ interactionTokenLifetimeMs: 100 });
      const client = await RawGateway.identify(shortLived.gatewayUrl, shortLived.token, Intents.DirectMessages);
      try {
        await fetch(`${shortLived.apiBase}/v10/applications/${shortLived.applicationId}/commands`, {
          method: "PUT",
          headers: { authorization: `Bot ${shortLived.token}`, "content-type": "application/json" },
          body: JSON.stringify(COMMANDS),
        });
        const record = shortLived.user("1").runCommand("help");
        await fetch(`${shortLived.apiBase}/v10/interactions/${record.id}/${record.token}/callback`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ type: 5 }),
        });
        await new Promise((resolve) => setTimeout(resolve, 150));
        const late = await fetch(`${shortLived.apiBase}/v10/webhooks/${shortLived.applicationId}/${record.token}/messages/@original`, {
          method: "PATCH",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ content: "too late" }),
        });
        expect(late.status).toBe(401);
        expect(await late.json()).toEqual({ message: "Invalid Webhook Token", code: 50027 });
      } finally {
        client.close();
        await shortLived.stop();
      }
    });
  });
  describe("attachments", () => {
    it("dispatches a DM's files with signed CDN URLs that serve the bytes, and re-signs them when the message is read again", async () => {
      const grace = discord.user("3001");
      const from = gateway.frames.length;
      const sent = grace.sendDm("look", [{ data: Buffer.from("not really a video"), filename: "clip one.mp4" }]);
      const event = await gateway.next((f) => f.t === "MESSAGE_CREATE" && (f.d as { id: string }).id === sent.messageId, from);
      const [attachment] = (event.d as { attachments: Record<string, unknown>[] }).attachments;
      expect(attachment).toMatchObject({ filename: "clip one.mp4", size: 18, content_type: "video/mp4" });
      const url = attachment!.url as string;
      expect(url).toMatch(new RegExp(`^${discord.url}/attachments/${channelId}/\\d+/clip%20one\\.mp4\\?ex=[0-9a-f]+&is=[0-9a-f]+&hm=[0-9a-f]{64}&$`));
      expect(Buffer.from(await (await fetch(url)).arrayBuffer()).toString()).toBe("not really a video");
      expect(discord.attachmentDownloads.get(attachment!.id as string)).toBe(1);

      expect((await fetch(url.replace(/hm=[0-9a-f]/, "hm=x"))).status).toBe(404);
      discord.expireAttachmentUrls();
      const stale = await fetch(url);
      expect([stale.status, await stale.text()]).toEqual([404, "This content is no longer available."]);
      const reread = await call("GET", `/channels/${channelId}/messages/${sent.messageId}`);
      const fresh = (reread.body as { attachments: { url: string }[] }).attachments[0]!.url;
      expect(fresh).not.toBe(url);
      expect((await fetch(fresh)).status).toBe(200);
    });
  });
});

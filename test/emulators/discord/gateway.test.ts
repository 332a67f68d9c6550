import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type DiscordEmulator, Intents, startDiscordEmulator } from "./index.ts";
import { RawGateway } from "./raw-gateway.ts";

const DM_INTENTS = Intents.DirectMessages | Intents.MessageContent;

describe("Discord emulator gateway", () => {
  let discord: DiscordEmulator;
  const open: RawGateway[] = [];
  const connect = async (intents = DM_INTENTS) => {
    const client = await RawGateway.identify(discord.gatewayUrl, discord.token, intents);
    open.push(client);
    return client;
  };

  beforeAll(async () => {
    discord = await startDiscordEmulator({ heartbeatIntervalMs: 1000, allowedPrivilegedIntents: Intents.MessageContent });
  });
  afterEach(() => open.splice(0).forEach((client) => client.close()));
  afterAll(() => discord.stop());

  it("greets with HELLO and answers IDENTIFY with a READY carrying the bot, a session and the application", async () => {
    const client = await connect();
    expect(client.frames[0]).toEqual({ op: 10, s: null, t: null, d: expect.objectContaining({ heartbeat_interval: 1000 }) });
    const ready = client.dispatches("READY")[0]!;
    expect(ready.s).toBe(1);
    expect(ready.d).toMatchObject({
      v: 10,
      user: { id: discord.bot.id, bot: true },
      guilds: [],
      session_id: expect.any(String),
      resume_gateway_url: discord.gatewayUrl,
      application: { id: discord.applicationId, flags: expect.any(Number) },
    });
  });

  it("acknowledges every heartbeat with op 11", async () => {
    const client = await connect();
    client.send(1, 1);
    client.send(1, 1);
    await client.next((f) => f.op === 11);
    await expect.poll(() => client.frames.filter((f) => f.op === 11).length).toBe(2);
  });

  it("closes with 4004 when IDENTIFY carries the wrong token", async () => {
    const client = await RawGateway.connect(discord.gatewayUrl);
    open.push(client);
    client.send(2, { token: "wrong", intents: DM_INTENTS, properties: {} });
    expect(await client.closed()).toBe(4004);
  });

  it("closes with 4014 when a privileged intent is not enabled for the app", async () => {
    const client = await RawGateway.connect(discord.gatewayUrl);
    open.push(client);
    client.send(2, { token: discord.token, intents: DM_INTENTS | Intents.GuildMembers, properties: {} });
    expect(await client.closed()).toBe(4014);
  });

  it("closes with 4012 on an API version other than 10", async () => {
    const client = await RawGateway.connect(discord.gatewayUrl, "v=6&encoding=json");
    open.push(client);
    expect(await client.closed()).toBe(4012);
  });

  it("dispatches a DM as MESSAGE_CREATE without guild_id, with author, channel and content", async () => {
    const client = await connect();
    const ada = discord.user("2001", { username: "ada" });
    ada.sendDm("https://www.tiktok.com/@a/video/1");
    const event = await client.next((f) => f.t === "MESSAGE_CREATE");
    expect(event.d).toMatchObject({
      channel_id: ada.dmChannelId,
      channel_type: 1,
      author: { id: "2001", username: "ada" },
      content: "https://www.tiktok.com/@a/video/1",
    });
    expect(event.d).not.toHaveProperty("guild_id");
  });

  it("does not dispatch DMs to a bot that did not ask for the DIRECT_MESSAGES intent", async () => {
    const client = await connect(Intents.MessageContent);
    discord.user("2002").sendDm("hello?");
    client.send(1, null);
    await client.next((f) => f.op === 11);
    expect(client.dispatches("MESSAGE_CREATE")).toHaveLength(0);
    expect(discord.transcript("2002")).toMatchObject([{ from: "user", text: "hello?" }]);
  });

  it("replays dispatches missed while disconnected when the client RESUMEs", async () => {
    const first = await connect();
    const ready = first.dispatches("READY")[0]!;
    const sessionId = (ready.d as { session_id: string }).session_id;
    discord.dropGatewayConnections();
    expect(await first.closed()).toBe(4000);
    discord.user("2003").sendDm("sent while you were away");

    const second = await RawGateway.connect(discord.gatewayUrl);
    open.push(second);
    second.send(6, { token: discord.token, session_id: sessionId, seq: ready.s });
    const replayed = await second.next((f) => f.t === "MESSAGE_CREATE");
    const resumed = await second.next((f) => f.t === "RESUMED");
    expect(replayed.d).toMatchObject({ content: "sent while you were away" });
    expect(resumed.s).toBeGreaterThan(replayed.s!);
  });

  it("answers RESUME of an invalidated session with op 9 so the client identifies again", async () => {
    const first = await connect();
    const sessionId = (first.dispatches("READY")[0]!.d as { session_id: string }).session_id;
    discord.dropGatewayConnections({ invalidateSession: true });
    await first.closed();
    const second = await RawGateway.connect(discord.gatewayUrl);
    open.push(second);
    second.send(6, { token: discord.token, session_id: sessionId, seq: 1 });
    expect(await second.next((f) => f.op === 9)).toMatchObject({ op: 9, d: false });
  });
});

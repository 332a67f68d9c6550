import {
  ActionRowBuilder,
  AttachmentBuilder,
  ButtonBuilder,
  ButtonStyle,
  Client,
  DiscordAPIError,
  EmbedBuilder,
  Events,
  GatewayIntentBits,
  type Interaction,
  type Message,
  MessageFlags,
  Partials,
  SlashCommandBuilder,
} from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DiscordEmulator, DiscordRoutes, startDiscordEmulator } from "./index.ts";

/** How a bot's discord.js Client points at the emulator: REST base from it, gateway URL from its /gateway/bot. */
function emulatedClient(discord: DiscordEmulator, instantIdentify = false): Client {
  return new Client({
    intents: [GatewayIntentBits.DirectMessages, GatewayIntentBits.MessageContent],
    partials: [Partials.Channel],
    rest: { api: discord.apiBase },
    // discord.js spaces IDENTIFYs 5 s apart; tests that force a re-identify skip the wait.
    ...(instantIdentify && { ws: { buildIdentifyThrottler: () => ({ waitForIdentify: async () => undefined }) } }),
  });
}

const COMMANDS = [
  new SlashCommandBuilder().setName("help").setDescription("How to use the bot"),
  new SlashCommandBuilder()
    .setName("tag")
    .setDescription("Pick the database for your next links")
    .addStringOption((o) => o.setName("database").setDescription("A database").setRequired(true).setAutocomplete(true)),
  new SlashCommandBuilder().setName("menu").setDescription("Show buttons"),
].map((command) => command.toJSON());

const DATABASES = ["Reading list", "Recipes", "Research"];

/** A tiny bot: echoes DMs with a progress edit, answers the three commands and the button. */
function attachTestBot(client: Client): void {
  client.on(Events.MessageCreate, async (message: Message) => {
    if (message.author.bot || !message.channel.isSendable()) return;
    const progress = await message.channel.send(`Working on ${message.content}`);
    await progress.edit(`Done: ${message.content}`);
  });
  client.on(Events.InteractionCreate, async (interaction: Interaction) => {
    if (interaction.isAutocomplete()) {
      const typed = interaction.options.getFocused().toLowerCase();
      await interaction.respond(DATABASES.filter((name) => name.toLowerCase().startsWith(typed)).map((name) => ({ name, value: name })));
    } else if (interaction.isChatInputCommand() && interaction.commandName === "help") {
      await interaction.reply({ content: "Send me a TikTok or Instagram link.", flags: MessageFlags.Ephemeral });
    } else if (interaction.isChatInputCommand() && interaction.commandName === "tag") {
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      await interaction.editReply(`Next links go to ${interaction.options.getString("database", true)}`);
    } else if (interaction.isChatInputCommand() && interaction.commandName === "menu") {
      const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
        new ButtonBuilder().setCustomId("again").setLabel("Again").setStyle(ButtonStyle.Primary),
        new ButtonBuilder().setURL("https://www.notion.so/page").setLabel("Open in Notion").setStyle(ButtonStyle.Link),
      );
      await interaction.reply({ content: "Pick one", components: [row] });
    } else if (interaction.isButton() && interaction.customId === "again") {
      await interaction.update({ content: "Pressed", components: [] });
    }
  });
}

describe("a discord.js Client against the Discord emulator", () => {
  let discord: DiscordEmulator;
  let client: Client;

  beforeAll(async () => {
    discord = await startDiscordEmulator({ heartbeatIntervalMs: 1000 });
    client = emulatedClient(discord, true);
    attachTestBot(client);
    await client.login(discord.token);
    await client.application!.commands.set(COMMANDS);
  });
  afterAll(async () => {
    await client?.destroy();
    await discord?.stop();
  });

  it("logs in through /gateway/bot and READY, and registers its commands", () => {
    expect(client.user?.id).toBe(discord.bot.id);
    expect(client.application?.id).toBe(discord.applicationId);
    expect(discord.commands.map((c) => c.name)).toEqual(["help", "tag", "menu"]);
    expect(discord.commands[1]!.options).toMatchObject([{ name: "database", autocomplete: true, required: true }]);
  });

  it("receives a DM, replies in the DM channel and edits the reply", async () => {
    const ada = discord.user("4001", { username: "ada" });
    ada.sendDm("https://www.tiktok.com/@a/video/1");
    const reply = await ada.waitFor((t) => t.find((e) => e.from === "bot" && e.edits.length > 0));
    expect(reply).toMatchObject({ text: "Done: https://www.tiktok.com/@a/video/1", edits: ["Done: https://www.tiktok.com/@a/video/1"] });
    expect(ada.transcript().map((e) => e.from)).toEqual(["user", "bot"]);
  });

  it("opens a DM itself (the linking site's Connected message) with an embed, a link button and a file", async () => {
    const grace = discord.user("4002", { username: "grace" });
    const link = new ButtonBuilder().setURL("https://www.notion.so/page").setLabel("Open in Notion").setStyle(ButtonStyle.Link);
    await client.users.send("4002", {
      content: "Connected",
      embeds: [new EmbedBuilder().setTitle("Reading list").setDescription("Links go here")],
      components: [new ActionRowBuilder<ButtonBuilder>().addComponents(link)],
      files: [new AttachmentBuilder(Buffer.from("hello"), { name: "note.txt" })],
    });
    expect(grace.transcript()).toMatchObject([
      {
        from: "bot",
        text: "Connected",
        embeds: [{ title: "Reading list", description: "Links go here" }],
        buttons: [[{ label: "Open in Notion", url: "https://www.notion.so/page" }]],
        attachments: ["note.txt"],
      },
    ]);
    await expect(client.users.send("4999", "nobody")).rejects.toMatchObject({ code: 50033 });
  });

  it("answers a slash command with an ephemeral reply", async () => {
    const ada = discord.user("4001");
    const record = ada.runCommand("help");
    await discord.waitFor(() => record.response);
    expect(record.response!.type).toBe(4);
    expect(ada.transcript().at(-1)).toMatchObject({ from: "bot", kind: "response", text: "Send me a TikTok or Instagram link.", ephemeral: true });
  });

  it("answers with deferReply then editReply", async () => {
    const ada = discord.user("4001");
    const record = ada.runCommand("tag", { database: "Recipes" });
    const answer = await ada.waitFor((t) => t.find((e) => e.text === "Next links go to Recipes"));
    expect(record.response!.type).toBe(5);
    expect(answer).toMatchObject({ ephemeral: true, edits: [] });
  });

  it("offers autocomplete choices", async () => {
    expect(await discord.user("4001").autocomplete("tag", "database", "re")).toEqual([
      { name: "Reading list", value: "Reading list" },
      { name: "Recipes", value: "Recipes" },
      { name: "Research", value: "Research" },
    ]);
  });

  it("handles a button press by updating the message", async () => {
    const ada = discord.user("4001");
    ada.runCommand("menu");
    const menu = await ada.waitFor((t) => t.find((e) => e.text === "Pick one"));
    expect(menu.components?.[0]?.components).toMatchObject([{ custom_id: "again" }, { style: 5, url: "https://www.notion.so/page" }]);
    expect(() => ada.pressButton("Pick one", "Open in Notion")).toThrow(/link button/);
    const press = ada.pressButton("Pick one", "Again");
    await discord.waitFor(() => press.response);
    expect(press.response!.type).toBe(7);
    expect(ada.transcript().find((e) => e.messageId === menu.messageId)).toMatchObject({ text: "Pressed", edits: ["Pressed"] });
  });

  it("waits out a 429 on a message edit through discord.js's REST manager", async () => {
    discord.rateLimitNext(1, DiscordRoutes.editMessage, { retryAfterSeconds: 0.2 });
    const ada = discord.user("4001");
    ada.sendDm("rate limited");
    await ada.waitFor((t) => t.find((e) => e.text === "Done: rate limited"));
    const edits = discord.requests.filter((r) => r.method === "PATCH" && r.path.includes("/messages/"));
    expect(edits.slice(-2).map((r) => r.status)).toEqual([429, 200]);
  });

  it("fails a reply sent after the response window with Unknown interaction", async () => {
    const late = await startDiscordEmulator({ interactionResponseWindowMs: 50 });
    const lateClient = emulatedClient(late);
    try {
      await lateClient.login(late.token);
      await lateClient.application!.commands.set(COMMANDS);
      const failure = new Promise<unknown>((resolve) =>
        lateClient.on(Events.InteractionCreate, async (interaction) => {
          await new Promise((r) => setTimeout(r, 100));
          if (interaction.isChatInputCommand()) resolve(await interaction.reply("too late").catch((error: unknown) => error));
        }),
      );
      const record = late.user("1").runCommand("help");
      const error = await failure;
      expect(error).toBeInstanceOf(DiscordAPIError);
      expect((error as DiscordAPIError).code).toBe(10062);
      expect(record.refused).toMatchObject([{ code: 10062 }]);
    } finally {
      await lateClient.destroy();
      await late.stop();
    }
  });

  it("resumes after the gateway drops and still gets the DM sent meanwhile", async () => {
    const before = discord.gatewayStats();
    discord.dropGatewayConnections();
    const ada = discord.user("4001");
    ada.sendDm("sent during the drop");
    await ada.waitFor((t) => t.find((e) => e.text === "Done: sent during the drop"));
    const after = discord.gatewayStats();
    expect(after.resumes).toBe(before.resumes + 1);
    expect(after.identifies).toBe(before.identifies);
  });

  it("identifies again when its session is invalidated, and keeps working", async () => {
    const before = discord.gatewayStats();
    discord.dropGatewayConnections({ invalidateSession: true });
    await discord.waitFor(() => discord.gatewayStats().identifies > before.identifies && discord.isGatewayConnected(), 10_000);
    const ada = discord.user("4001");
    ada.sendDm("after a new session");
    await ada.waitFor((t) => t.find((e) => e.text === "Done: after a new session"));
  });

  it("fails to log in with a bad token", async () => {
    const intruder = emulatedClient(discord);
    try {
      await expect(intruder.login("not-the-token")).rejects.toMatchObject({ code: "TokenInvalid" });
    } finally {
      await intruder.destroy();
    }
  });
});

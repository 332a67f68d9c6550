/**
 * Random and hostile input through the whole Discord side (fast-check): the emulator dispatches
 * DMs, slash commands with any option text, autocomplete with any typed value, and presses of the
 * bot's buttons to the real discord.js bot over its gateway, and the real chat core answers. No
 * input crashes the bot or leaves a rejection unhandled, and each one gets a sentence back.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDiscordBot, type DiscordBot } from "../../bots/discord/index.ts";
import { slashCommands } from "../../bots/discord/slash-commands.ts";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/log.ts";
import { hostileCore, hostileMessage, isSentence, watchUnhandledRejections } from "../chat/hostile-input.ts";
import { startDiscordEmulator, type DiscordEmulator, type ScriptedUser, type TranscriptEntry } from "../emulators/discord/index.ts";
import { botMessage } from "./discord-world.ts";

let discord: DiscordEmulator;
let bot: DiscordBot;
let nextUserId = 8_100_000;

beforeAll(async () => {
  discord = await startDiscordEmulator({ heartbeatIntervalMs: 1000 });
  const config = loadConfig({ DISCORD_BOT_TOKEN: discord.token, DISCORD_API_BASE: discord.apiBase, LOG_LEVEL: "silent" });
  bot = await startDiscordBot({ config, log: createLogger(config), chat: hostileCore(), receive: "gateway" });
});
afterAll(async () => {
  await bot?.stop();
  await discord?.stop();
});

/** Each registered slash command with the name of its one text option, if it has one. */
const COMMANDS = slashCommands().map((c) => ({ name: c.name, option: c.options?.[0]?.name, autocomplete: Boolean((c.options?.[0] as { autocomplete?: boolean } | undefined)?.autocomplete) }));

/** Discord sends no blank DM and at most 2000 characters; a text option holds at most 100 (our max_length). */
const dmText = hostileMessage.map((text) => text.slice(0, 2000)).filter((text) => text.trim().length > 0);
const optionText = hostileMessage.map((text) => text.slice(0, 100)).filter((text) => text.trim().length > 0);

const action = fc.oneof(
  dmText.map((text) => ({ kind: "dm" as const, text })),
  fc.record({ command: fc.constantFrom(...COMMANDS), value: optionText }).map(({ command, value }) => ({ kind: "command" as const, command, value })),
  fc.record({ command: fc.constantFrom(...COMMANDS.filter((c) => c.autocomplete)), value: hostileMessage.map((v) => v.slice(0, 100)) }).map(
    ({ command, value }) => ({ kind: "autocomplete" as const, command, value }),
  ),
  fc.nat().map((pick) => ({ kind: "press" as const, pick })),
);
type Action = typeof action extends fc.Arbitrary<infer A> ? A : never;

const answered = (entry: TranscriptEntry) => entry.kind === "response" || entry.kind === "follow-up";
const readable = (entry: TranscriptEntry) => entry.text || entry.embeds?.map((e) => e.description ?? e.title ?? "").join(" ") || "";

/** Waits for a bot entry `check` accepts among those the bot adds after `seen` entries of its own. */
function nextFromBot(user: ScriptedUser, seen: number, check: (entry: TranscriptEntry) => boolean): Promise<TranscriptEntry> {
  return user.waitFor((entries) => entries.filter((e) => e.from === "bot" && !e.deferred).slice(seen).find(check), 10_000);
}

const botCount = (user: ScriptedUser) => user.transcript().filter((e) => e.from === "bot" && !e.deferred).length;

/** Plays one input, and waits for the answer it calls for. */
async function play(user: ScriptedUser, step: Action): Promise<void> {
  const seen = botCount(user);
  if (step.kind === "dm") {
    user.sendDm(step.text);
    await nextFromBot(user, seen, (e) => e.kind === "message");
  } else if (step.kind === "command") {
    const record = user.runCommand(step.command.name, step.command.option ? { [step.command.option]: step.value } : {});
    await nextFromBot(user, seen, answered);
    expect(record.refused).toEqual([]);
  } else if (step.kind === "autocomplete") {
    const choices = await user.autocomplete(step.command.name, step.command.option!, step.value);
    for (const choice of choices) expect(choice.name.length).toBeGreaterThan(0);
  } else {
    // A press on one of the bot's own buttons, under the /language question.
    const asked = user.runCommand("language");
    const questionId = await discord.waitFor(() => asked.originalMessageId, 10_000);
    const question = await botMessage(user, (e) => e.messageId === questionId && (e.buttons?.flat().some((b) => b.customId) ?? false), 10_000);
    const buttons = question.buttons!.flat().filter((b) => b.customId !== undefined);
    const record = user.pressButton(question.messageId, buttons[step.pick % buttons.length]!.customId!);
    await discord.waitFor(() => record.response !== undefined);
    expect(record.refused).toEqual([]);
  }
}

describe("hostile Discord input", () => {
  it("answers every DM, slash command, autocomplete and button press with sentences, and never crashes the bot", async () => {
    const rejections = watchUnhandledRejections();
    const played = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 3 }), async (steps) => {
        const user = discord.user(String(nextUserId++), { username: `fuzz${nextUserId}` });
        for (const step of steps) {
          await play(user, step);
          played.add(step.kind);
        }
        for (const said of user.transcript().filter((e) => e.from === "bot" && !e.deferred)) expect(isSentence(readable(said)), readable(said)).toBe(true);
      }),
      { numRuns: 40 },
    );
    expect(rejections.stop()).toEqual([]);
    expect([...played].sort()).toEqual(["autocomplete", "command", "dm", "press"]);
    const after = discord.user(String(nextUserId++));
    after.sendDm("hello");
    expect(isSentence((await botMessage(after, (e) => e.kind === "message")).text)).toBe(true);
  });
});

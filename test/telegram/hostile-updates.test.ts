/**
 * Random and hostile updates through the whole Telegram side (fast-check): the emulator delivers
 * them to the real grammY bot over long polling, the real chat core answers. No update crashes
 * the bot or leaves a rejection unhandled, and each one that calls for an answer gets a sentence.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTelegramBot, type TelegramBot } from "../../bots/telegram/index.ts";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/log.ts";
import { MemoryStateStore } from "../../src/state/index.ts";
import { hostileCore, hostileMessage, isSentence, watchUnhandledRejections } from "../chat/hostile-input.ts";
import { startTelegramEmulator, type TelegramEmulator } from "../emulators/telegram/index.ts";
import type { ScriptedUser } from "../emulators/telegram/scripted-user.ts";
import { BOT_TOKEN } from "./telegram-world.ts";

let tg: TelegramEmulator;
let bot: TelegramBot;
let nextUserId = 900_000;

beforeAll(async () => {
  tg = await startTelegramEmulator({ token: BOT_TOKEN, botUsername: "reelnotes_test_bot" });
  const config = loadConfig({ TELEGRAM_BOT_TOKEN: BOT_TOKEN, TELEGRAM_API_ROOT: tg.url, LOG_LEVEL: "silent" });
  bot = await startTelegramBot({ config, log: createLogger(config), chat: hostileCore(), state: new MemoryStateStore(), receive: "updates" });
});
afterAll(async () => {
  await bot?.stop();
  await tg?.stop();
});

/** Telegram delivers no empty or blank text, and at most 4096 characters (1024 for a caption). */
const sendable = (limit: number) => hostileMessage.map((text) => text.slice(0, limit)).filter((text) => text.trim().length > 0);

const action = fc.oneof(
  sendable(4096).map((text) => ({ kind: "text" as const, text })),
  fc.record({ name: fc.oneof(fc.constantFrom("start", "tag", "status", "usage", "language", "help", "disconnect"), fc.stringMatching(/^[a-z0-9_]{1,32}$/)), argument: hostileMessage })
    .map(({ name, argument }) => ({ kind: "text" as const, text: `/${name} ${argument}`.slice(0, 4096).trimEnd() })),
  fc.string({ maxLength: 1024 }).map((caption) => ({ kind: "photo" as const, caption })),
  sendable(4096).map((text) => ({ kind: "group" as const, text })),
  fc.nat().map((pick) => ({ kind: "press" as const, pick })),
);
type Action = typeof action extends fc.Arbitrary<infer A> ? A : never;

/** Plays one update from a person new to the bot, and waits for the first answer it calls for. */
async function play(step: Action): Promise<{ user: ScriptedUser; chatId: number }> {
  const user = tg.user(nextUserId++, { firstName: "Fuzz", username: `fuzz${nextUserId}` });
  if (step.kind === "text") user.sendText(step.text);
  else if (step.kind === "photo") user.sendCaption(step.caption, { media: "photo" });
  else if (step.kind === "group") user.sendInGroup(step.text, -nextUserId);
  else {
    // A press on one of the bot's own buttons, under the /language question.
    user.sendText("/language");
    const question = await user.waitForBot();
    const buttons = (question.buttons ?? []).flat().filter((b) => b.data !== undefined);
    expect(buttons.length).toBeGreaterThan(0);
    const press = user.pressButton(question.messageId!, buttons[step.pick % buttons.length]!.text);
    if (press.kind !== "callback") throw new Error("a /language button opened a link");
    await tg.waitFor((e) => e.chatId === user.id && (e.kind === "bot-message" || e.kind === "bot-edit") && e.seq > press.seq, 10_000);
    expect(tg.callbackAnswers.some((a) => a.userId === user.id && a.data === press.data)).toBe(true);
    return { user, chatId: user.id };
  }
  const answer = await user.waitForBot(undefined, 10_000);
  return { user, chatId: answer.chatId };
}

describe("hostile Telegram updates", () => {
  it("answer every message, command, caption, group message and button press with sentences, and never crash the bot", async () => {
    const rejections = watchUnhandledRejections();
    const played = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 3 }), async (steps) => {
        for (const step of steps) {
          const { chatId } = await play(step);
          played.add(step.kind);
          for (const said of tg.transcript(chatId).filter((e) => e.from === "bot")) expect(isSentence(said.text), said.text).toBe(true);
        }
      }),
      { numRuns: 40 },
    );
    expect(rejections.stop()).toEqual([]);
    expect([...played].sort()).toEqual(["group", "photo", "press", "text"]);
    // Still answering afterwards.
    const after = tg.user(nextUserId++, { firstName: "After" });
    after.sendText("hello");
    expect(isSentence((await after.waitForBot()).text!)).toBe(true);
  });
});

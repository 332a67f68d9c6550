import { readFile } from "node:fs/promises";
import path from "node:path";
import { translator, type Language } from "../../src/i18n/index.ts";
import { tagFromTitle } from "../../src/db/schema-tags.ts";
import { startTelegramEmulator, type ChatEvent, type ScriptedUser } from "../../test/emulators/telegram/index.ts";
import { pickDatabase } from "./choice.ts";
import type { ChatPlatform, ConversationLine, DemoPerson, Outcome } from "./person.ts";
import { saysOneOf } from "./sentences.ts";

/** The bot token the emulator accepts; the part before ":" is the bot's user id. */
export const TELEGRAM_BOT_TOKEN = "7000000001:telegram-demo-token";

const REPLY_TIMEOUT_MS = 15_000;
const isFinal = (language: Language, text: string | undefined) => saysOneOf(language, ["saved", "failed"], text);

/** The URL behind the link button `buttonText` of the newest bot message that has it. */
export function linkButton(user: ScriptedUser, buttonText: string): string {
  const press = user.pressButton((entry) => entry.buttons?.flat().some((b) => b.text === buttonText) ?? false, buttonText);
  if (press.kind !== "url") throw new Error(`"${buttonText}" is not a link button`);
  return press.url;
}

/** Sends `/start` and returns the "Connect Notion" link of the bot's answer (in `language`). */
export async function askToConnectOnTelegram(user: ScriptedUser, language: Language = "en"): Promise<string> {
  const button = translator(language)("connectButton");
  user.sendText("/start");
  await user.waitForBot((e) => e.buttons?.flat().some((b) => b.text === button) ?? false, REPLY_TIMEOUT_MS);
  return linkButton(user, button);
}

/** The "Connected to …" message the bot sends once the consent is through. */
export async function connectedOnTelegram(user: ScriptedUser, language: Language = "en"): Promise<string> {
  const event = await user.waitForBot(
    (e) => e.kind === "bot-message" && saysOneOf(language, ["connected", "connectedOne", "connectedNoDatabases"], e.text),
    REPLY_TIMEOUT_MS,
  );
  return event.text!;
}

/** Sends `/tag`, presses the button of the database `tag` names (or the first), returns the bot's answer. */
export async function chooseOnTelegram(user: ScriptedUser, tag: string | undefined, language: Language = "en"): Promise<string> {
  user.sendText("/tag");
  const question = await user.waitForBot((e) => e.kind === "bot-message" && e.buttons !== undefined, REPLY_TIMEOUT_MS);
  const offered = (question.buttons ?? []).flat().filter((b) => b.data !== undefined).map((b) => {
    const title = b.text.replace(/^✓ /, "");
    return { title, tag: tagFromTitle(title), label: b.text };
  });
  user.pressButton(question.messageId!, pickDatabase(tag, offered).label);
  const answer = await user.waitForBot((e) => saysOneOf(language, ["databaseChosen", "databaseChosenAndStarted"], e.text), REPLY_TIMEOUT_MS);
  return answer.text!;
}

/** Sends `link` and waits until its progress message says "Saved" or "Couldn't save". */
export async function shareOnTelegram(user: ScriptedUser, link: string, timeoutMs: number, language: Language = "en"): Promise<Outcome> {
  user.sendText(link);
  return waitForOutcome(user, timeoutMs, language, "queued");
}

/** Sends the video file at `file` itself (as a Telegram video) and waits for its outcome like a link's. */
export async function sendFileOnTelegram(user: ScriptedUser, file: string, timeoutMs: number, language: Language = "en"): Promise<Outcome> {
  user.sendVideoFile(await readFile(file), { kind: "video", fileName: path.basename(file) });
  return waitForOutcome(user, timeoutMs, language, "queuedFile");
}

async function waitForOutcome(user: ScriptedUser, timeoutMs: number, language: Language, queued: "queued" | "queuedFile"): Promise<Outcome> {
  const reply: ChatEvent = await user.waitForBot((e) => e.kind === "bot-message", REPLY_TIMEOUT_MS);
  if (!saysOneOf(language, [queued], reply.text)) throw new Error(`The bot did not queue the link: ${reply.text}`);
  const outcome = await user.waitForBot((e) => e.messageId === reply.messageId && isFinal(language, e.text), timeoutMs);
  const open = translator(language)("openInNotion");
  return { text: outcome.text!, pageUrl: outcome.buttons?.flat().find((b) => b.text === open)?.url };
}

function conversationOf(user: ScriptedUser): ConversationLine[] {
  return user.transcript().map((entry) => ({
    from: entry.from,
    text: entry.text,
    ...(entry.buttons ? { buttons: entry.buttons.flat().map((b) => ({ label: b.text, ...(b.url ? { url: b.url } : {}) })) } : {}),
  }));
}

/** Starts the Telegram emulator; its person is Ada in a private chat with the bot. */
export async function startTelegramPlatform(language: Language = "en"): Promise<ChatPlatform> {
  const tg = await startTelegramEmulator({ token: TELEGRAM_BOT_TOKEN, botUsername: "reelnotes_demo_bot" });
  let ada: ScriptedUser | undefined;
  const person = (): DemoPerson => {
    const user = (ada ??= tg.user(1001, { firstName: "Ada", lastName: "Lovelace", username: "ada", languageCode: language }));
    return {
      askToConnect: () => askToConnectOnTelegram(user, language),
      connected: () => connectedOnTelegram(user, language),
      chooseDatabase: (tag) => chooseOnTelegram(user, tag, language),
      share: (link, timeoutMs) => shareOnTelegram(user, link, timeoutMs, language),
      sendFile: (file, timeoutMs) => sendFileOnTelegram(user, file, timeoutMs, language),
      conversation: () => conversationOf(user),
    };
  };
  return { name: "telegram", env: { TELEGRAM_BOT_TOKEN, TELEGRAM_API_ROOT: tg.url }, person, stop: () => tg.stop() };
}

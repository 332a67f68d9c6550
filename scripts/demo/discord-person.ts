import { translator, type Language } from "../../src/i18n/index.ts";
import { startDiscordEmulator, type ScriptedUser, type TranscriptEntry } from "../../test/emulators/discord/index.ts";
import { pickDatabase } from "./choice.ts";
import type { ChatPlatform, ConversationLine, DemoPerson, Outcome } from "./person.ts";
import { saysOneOf } from "./sentences.ts";

const REPLY_TIMEOUT_MS = 15_000;

/** The newest bot message of `user` that satisfies `check` (not a "thinking…" placeholder), waiting for it. */
export function botMessage(user: ScriptedUser, check: (entry: TranscriptEntry) => boolean, timeoutMs = REPLY_TIMEOUT_MS): Promise<TranscriptEntry> {
  return user.waitFor((entries) => entries.filter((e) => e.from === "bot" && !e.deferred).reverse().find(check), timeoutMs);
}

/** The URL of the link button labelled `label` on `entry`. */
export function linkButtonUrl(entry: TranscriptEntry, label: string): string {
  const url = entry.buttons?.flat().find((b) => b.label === label)?.url;
  if (!url) throw new Error(`no link button "${label}" on ${JSON.stringify(entry)}`);
  return url;
}

/** Waits until the progress message `messageId` shows the job's outcome (saved or failed). */
export function outcomeOf(user: ScriptedUser, messageId: string, timeoutMs = 90_000, language: Language = "en"): Promise<TranscriptEntry> {
  return botMessage(user, (e) => e.messageId === messageId && saysOneOf(language, ["saved", "failed"], e.text), timeoutMs);
}

/** Runs `/connect` and returns the "Connect Notion" link of the bot's (private) answer. */
export async function askToConnectOnDiscord(user: ScriptedUser, language: Language = "en"): Promise<string> {
  const command = user.runCommand("connect");
  const answer = await botMessage(user, (e) => e.kind === "response" && e.buttons !== undefined);
  if (command.refused.length > 0) throw new Error(`Discord refused the answer to /connect: ${JSON.stringify(command.refused)}`);
  return linkButtonUrl(answer, translator(language)("connectButton"));
}

/** The "Connected to …" DM the bot sends once the consent is through. */
export async function connectedOnDiscord(user: ScriptedUser, language: Language = "en"): Promise<string> {
  return (await botMessage(user, (e) => e.kind === "message" && saysOneOf(language, ["connected", "connectedOne", "connectedNoDatabases"], e.text))).text;
}

/** Types `tag` (or nothing) into `/tag`'s autocomplete, runs `/tag` with the chosen database, returns the answer. */
export async function chooseOnDiscord(user: ScriptedUser, tag: string | undefined, language: Language = "en"): Promise<string> {
  const choices = await user.autocomplete("tag", "name", tag ?? "");
  const chosen = pickDatabase(tag, choices.map((c) => ({ title: c.name, tag: String(c.value) })));
  user.runCommand("tag", { name: chosen.tag });
  return (await botMessage(user, (e) => e.kind === "response" && saysOneOf(language, ["databaseChosen", "databaseChosenAndStarted"], e.text))).text;
}

/** DMs `link` and waits until its progress message says "Saved" or "Couldn't save". */
export async function shareOnDiscord(user: ScriptedUser, link: string, timeoutMs: number, language: Language = "en"): Promise<Outcome> {
  const before = user.transcript().length;
  user.sendDm(link);
  const reply = await user.waitFor((entries) => entries.slice(before).find((e) => e.from === "bot" && e.kind === "message"), REPLY_TIMEOUT_MS);
  if (!saysOneOf(language, ["queued"], reply.text)) throw new Error(`The bot did not queue the link: ${reply.text}`);
  const outcome = await outcomeOf(user, reply.messageId, timeoutMs, language);
  const open = translator(language)("openInNotion");
  const openButton = outcome.buttons?.flat().find((b) => b.label === open);
  return { text: outcome.text, pageUrl: openButton?.url ?? outcome.embeds?.[0]?.url };
}

function conversationOf(user: ScriptedUser): ConversationLine[] {
  return user
    .transcript()
    .filter((entry) => !entry.deferred)
    .map((entry) => ({
      from: entry.from,
      text: entry.text,
      ...(entry.buttons ? { buttons: entry.buttons.flat().map((b) => ({ label: b.label, ...(b.url ? { url: b.url } : {}) })) } : {}),
      ...(entry.embeds ? { embeds: entry.embeds.map((e) => ({ title: e.title, description: e.description })) } : {}),
    }));
}

/** The Discord client locale of a person who speaks each language. */
const DISCORD_LOCALE: Record<Language, string> = { en: "en-US", es: "es-ES", pt: "pt-BR", de: "de", ru: "ru", ja: "ja" };

/** Starts the Discord emulator (REST and gateway); its person is ada, in a DM with the bot. */
export async function startDiscordPlatform(language: Language = "en"): Promise<ChatPlatform> {
  const discord = await startDiscordEmulator({ heartbeatIntervalMs: 1000 });
  const person = (): DemoPerson => {
    const user = discord.user("2001", { username: "ada", locale: DISCORD_LOCALE[language] });
    return {
      askToConnect: () => askToConnectOnDiscord(user, language),
      connected: () => connectedOnDiscord(user, language),
      chooseDatabase: (tag) => chooseOnDiscord(user, tag, language),
      share: (link, timeoutMs) => shareOnDiscord(user, link, timeoutMs, language),
      sendFile: () => Promise.reject(new Error("Sending a video as a file is played on Telegram only (--platform telegram).")),
      conversation: () => conversationOf(user),
    };
  };
  return { name: "discord", env: { DISCORD_BOT_TOKEN: discord.token, DISCORD_API_BASE: discord.apiBase }, person, stop: () => discord.stop() };
}

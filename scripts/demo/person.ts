/** The person of the demo, on either platform: what they do and what they saw. */

/** One message as the person saw it at the end: edits collapsed to the final text. */
export interface ConversationLine {
  from: "user" | "bot";
  text: string;
  /** Button labels under the message, with their link for link buttons. */
  buttons?: { label: string; url?: string }[];
  /** Discord embeds as shown: title and description. */
  embeds?: { title?: string; description?: string }[];
}

/** What the person reads once a shared link is done. */
export interface Outcome {
  /** The progress message's final text ("Saved to …" or "Couldn't save …"). */
  text: string;
  /** The "Open in Notion" link, when the page was saved. */
  pageUrl: string | undefined;
}

/** A person on one chat platform, driven step by step through the whole journey. */
export interface DemoPerson {
  /** Asks the bot to connect (`/start` or `/connect`) and returns the "Connect Notion" link. */
  askToConnect(): Promise<string>;
  /** Waits for the bot's "Connected to …" message after the consent in the browser. */
  connected(): Promise<string>;
  /** Chooses the database named `tag` (tag or title), or the first one offered. */
  chooseDatabase(tag: string | undefined): Promise<string>;
  /** Shares `link` and waits until its progress message shows the outcome. */
  share(link: string, timeoutMs: number): Promise<Outcome>;
  /** Sends the video file at `file` itself, and waits until its progress message shows the outcome. */
  sendFile(file: string, timeoutMs: number): Promise<Outcome>;
  /** Everything the person saw, oldest first. */
  conversation(): ConversationLine[];
}

/** A chat platform's emulator, with what the service needs to talk to it. */
export interface ChatPlatform {
  name: "telegram" | "discord";
  /** Environment variables that point the service's bot at the emulator. */
  env: Record<string, string>;
  /** The scripted person (created on the first call). */
  person(): DemoPerson;
  stop(): Promise<void>;
}

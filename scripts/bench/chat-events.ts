import type { Database } from "../../src/db/client.ts";
import type { Job } from "../../src/jobs/types.ts";
import type { ChatEvent, SentMessage, TelegramEmulator } from "../../test/emulators/telegram/index.ts";
import { waitUntil } from "../../test/harness/service.ts";

/** The bot's last word on a job in the chat: the page link, or the reason it failed. */
export function isOutcome(event: ChatEvent): boolean {
  if (event.kind !== "bot-edit" && event.kind !== "bot-message") return false;
  return /^Saved to /.test(event.text ?? "") || /^Couldn't save/.test(event.text ?? "");
}

/** When the user's message reached Telegram, on the emulator's clock. */
export function sentAt(tg: TelegramEmulator, sent: SentMessage): number {
  return tg.events.find((e) => e.seq === sent.seq)!.at;
}

/** The first bot message in the chat after the user's message (the "Queued" reply). */
export function firstReply(tg: TelegramEmulator, sent: SentMessage, timeoutMs = 30_000): Promise<ChatEvent> {
  return tg.waitFor((e) => e.seq > sent.seq && e.chatId === sent.chatId && e.kind === "bot-message", timeoutMs);
}

/** The bot's outcome message for the link the user sent. */
export function outcomeReply(tg: TelegramEmulator, sent: SentMessage, timeoutMs: number): Promise<ChatEvent> {
  return tg.waitFor((e) => e.seq > sent.seq && e.chatId === sent.chatId && isOutcome(e), timeoutMs);
}

/** The person's newest job once it is DONE or FAILED (its checkpoints are saved just after the reply). */
export function finishedJob(db: Database, userId: string, timeoutMs = 30_000): Promise<Job> {
  return waitUntil(
    async () => {
      const job = await db.prisma.job.findFirst({ where: { userId }, orderBy: { createdAt: "desc" } });
      return job && (job.status === "DONE" || job.status === "FAILED") ? job : undefined;
    },
    timeoutMs,
    "the job to finish",
  );
}

/** One progress edit of a job's message: when the request reached Telegram and when it was shown. */
/** The stage edits ("Downloading…", "Transcribing…" ...) of message `messageId` the person saw before its outcome. */
export function progressEdits(tg: TelegramEmulator, chatId: number, messageId: number, outcome: ChatEvent): ChatEvent[] {
  return tg.events.filter((e) => e.kind === "bot-edit" && e.chatId === chatId && e.messageId === messageId && e.seq < outcome.seq);
}


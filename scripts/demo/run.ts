import type { Language } from "../../src/i18n/index.ts";
import { consentInBrowser } from "./browser.ts";
import { contractCheck, type ContractCheck } from "./contracts.ts";
import { stageDurations } from "./metrics.ts";
import { savedPage, type SavedPage } from "./page.ts";
import type { ConversationLine, DemoPerson } from "./person.ts";
import { startStage } from "./stage.ts";
import { prepareVideo } from "./video.ts";

/** How the demo runs (the command-line options, parsed). */
export interface DemoOptions {
  platform: "telegram" | "discord";
  workspaceFile: string;
  videoFile: string | undefined;
  /** A video the person sends as a file instead of sharing a link. */
  sentFile?: string;
  transcript: string | undefined;
  tag: string | undefined;
  /** The person's chat app language. */
  language: Language;
  json: boolean;
}

/** What the demo ends with; `ok` only when a page was created. */
export interface DemoResult {
  ok: boolean;
  platform: DemoOptions["platform"];
  conversation: ConversationLine[];
  page: SavedPage | null;
  error?: string;
  seconds: number;
  /** Seconds per pipeline stage as the service's /metrics reports them after the job. */
  stageSeconds?: Record<string, number>;
  /** What the official API descriptions found in the emulators' exchanges. */
  contracts?: ContractCheck;
}

/** How long the shared link may take from "Queued" to "Saved". */
const JOB_TIMEOUT_MS = 50_000;

/** What the person sends: a link to share, or a video file to send itself. */
type Sending = { link: string } | { file: string };

async function playJourney(person: DemoPerson, sending: Sending, tag: string | undefined, progress: (step: string) => void): Promise<string> {
  progress("The person asks the bot to connect Notion and opens the link");
  const connectLink = await person.askToConnect();
  progress("…and allows access on Notion's consent page");
  await consentInBrowser(connectLink);
  await person.connected();
  progress(`The person chooses a database with /tag${tag ? ` ${tag}` : ""}`);
  await person.chooseDatabase(tag);
  progress("link" in sending ? `The person shares ${sending.link}` : `The person sends ${sending.file} itself`);
  const outcome = "link" in sending ? await person.share(sending.link, JOB_TIMEOUT_MS) : await person.sendFile(sending.file, JOB_TIMEOUT_MS);
  if (!outcome.pageUrl) throw new Error(outcome.text);
  return outcome.pageUrl;
}

/**
 * The whole journey on local emulators: start everything, play the person from `/start` to a
 * saved page, and collect what they saw and what reached Notion. Never throws: a failure is
 * the result's `error`.
 */
export async function runDemo(options: DemoOptions, progress: (step: string) => void): Promise<DemoResult> {
  const started = Date.now();
  progress(`Starting the emulators and the service (${options.platform}, embedded database)`);
  const stage = await startStage(options).catch((error: unknown) => error as Error);
  const finish = (fields: Omit<DemoResult, "platform" | "seconds">): DemoResult => ({
    ...fields,
    platform: options.platform,
    seconds: Math.round((Date.now() - started) / 100) / 10,
  });
  if (stage instanceof Error) return finish({ ok: false, conversation: [], page: null, error: `Could not start: ${stage.message}` });

  const person = stage.platform.person();
  try {
    let sending: Sending;
    if (options.sentFile) sending = { file: options.sentFile };
    else {
      progress(options.videoFile ? `Serving ${options.videoFile} as a TikTok post` : "Making a short clip with speech and on-screen text");
      sending = { link: stage.world.videoHost.postUrl(await prepareVideo(stage.world.mediaDir, options.videoFile)) };
    }
    const pageUrl = await playJourney(person, sending, options.tag, progress);
    const page = savedPage(stage.world.notion, pageUrl);
    const stageSeconds = await stageDurations(stage.service.config.publicUrl);
    const contracts = contractCheck();
    if (contracts.violations) {
      const error = `The emulators saw exchanges that the official API descriptions reject:\n${contracts.violations}`;
      return finish({ ok: false, conversation: person.conversation(), page, stageSeconds, contracts, error });
    }
    return finish({ ok: true, conversation: person.conversation(), page, stageSeconds, contracts });
  } catch (error) {
    const contracts = contractCheck();
    return finish({ ok: false, conversation: person.conversation(), page: null, error: error instanceof Error ? error.message : String(error), contracts });
  } finally {
    await stage.stop();
  }
}

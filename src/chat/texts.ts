import type { StageName } from "../jobs/types.ts";

/** Every sentence the bot says lives here, once; platforms only translate. */
export const texts = {
  intro:
    "I turn TikTok and Instagram videos into Notion pages: send me a link and I save what is said and shown, summarised into your database.",
  connectFirst: "First, connect your Notion workspace. The link works once, for 15 minutes.",
  connectButton: "Connect Notion",
  connectedAlready: (workspace: string, database: string | undefined) =>
    database
      ? `You are connected to ${workspace}. New links go to ${database}. Send a link, or /tag to choose another database.`
      : `You are connected to ${workspace}. Choose a database with /tag, then send a link.`,
  connected: (workspace: string, databases: string[]) =>
    databases.length === 0
      ? `Connected to ${workspace}, but no databases were shared with me. Send /start and tick at least one database on Notion's page.`
      : `Connected to ${workspace}. Found ${databases.length} database${databases.length === 1 ? "" : "s"}: ${databases.join(", ")}. Choose one with /tag.`,
  connectedOne: (workspace: string, database: string) =>
    `Connected to ${workspace}. Found 1 database: ${database}. New links go there.`,
  notConnectedKept: (count: number) =>
    `I kept your link${count === 1 ? "" : "s"}. Connect your Notion first, and I will start as soon as you have.`,
  /** /help opens with this, then lists the commands of the registry (src/chat/commands.ts). */
  helpIntro: "Send me a TikTok or Instagram video link and I save it to Notion.",
  helpFooter: [
    "Add #<database> to a message to send its links to another database, e.g. #recipes.",
    "Links I understand: tiktok.com/@user/video/…, vm.tiktok.com/…, tiktok.com/t/…, instagram.com/reel/…, instagram.com/p/…",
  ].join("\n"),
  hint: "Send me a TikTok or Instagram video link, or /help to see what I can do.",
  unsupportedLink: "I can only save TikTok and Instagram video links. That link is neither, so I left it.",
  groupChat: "I only work in a private chat. Open a direct message with me and send your links there.",
  unknownCommand: "I don't know that command. /help lists what I can do.",
  chooseDatabase: "Which database should new links go to?",
  chooseForWaiting: (count: number) =>
    `Which database should ${count === 1 ? "this link" : `these ${count} links`} go to?`,
  noDatabases: "No databases are shared with me yet. Send /start, connect again and tick the databases I may use.",
  databaseChosen: (title: string) => `New links go to ${title}.`,
  databaseChosenAndStarted: (title: string, count: number) =>
    `New links go to ${title}. Starting ${count === 1 ? "your link" : `your ${count} links`} now.`,
  unknownTag: (name: string, suggestions: string[]) =>
    suggestions.length > 0
      ? `I can't find a database called "${name}". Did you mean one of these?`
      : `I can't find a database called "${name}". /tag shows the ones I know.`,
  refreshed: (titles: string[]) =>
    titles.length === 0 ? "I re-read your Notion: no databases are shared with me." : `I re-read your Notion: ${titles.join(", ")}.`,
  notConnected: "You haven't connected Notion yet. Send /start to connect.",
  disconnectConfirm:
    "Remove your Notion connection? I will forget your token and databases; the pages already in Notion stay.",
  disconnectButton: "Yes, disconnect",
  disconnectCancelButton: "Keep it",
  disconnected: "Disconnected. Your pages in Notion are untouched. Send /start to connect again.",
  disconnectKept: "OK, nothing changed.",
  queued: (url: string) => `Queued: ${url}`,
  alreadySaved: (url: string) => `Already saved: ${url}`,
  alreadyWorking: (url: string) => `Already working on ${url}; I'll update the message above when it's done.`,
  queuedFile: "Queued: the video you sent.",
  alreadySavedFile: "Already saved: I have saved this video before.",
  alreadyWorkingFile: "Already working on this video; I'll update the message above when it's done.",
  fileTooBig: (limitMb: number) =>
    `That file is over ${limitMb} MB, the most a bot may download from Telegram. Send me a TikTok or Instagram link to it instead.`,
  rateLimited: (minutes: number) =>
    `You've sent a lot of links this hour. I kept nothing from this one; please send it again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
  rateLimitedSome: (taken: number, total: number, minutes: number) =>
    `You've sent a lot of links this hour. I took ${taken} of the ${total} links in this message and kept nothing of the other ${total - taken}; please send those again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
  stage: {
    download: "Downloading…",
    extract: "Preparing the video…",
    transcribe: "Transcribing…",
    ocr: "Reading on-screen text…",
    summarize: "Summarising…",
    publish: "Saving to Notion…",
    notify: "Saving to Notion…",
  } satisfies Record<StageName, string>,
  saved: (database: string, title: string) => `Saved to ${database}: ${title}`,
  openInNotion: "Open in Notion",
  failed: (reason: string) => `Couldn't save this video. ${reason}`,
  tryAgain: "Try again",
  retrying: "Trying again…",
  cannotRetry: "That video can't be retried any more; send the link again.",
  statusEmpty: "You haven't sent me any videos yet.",
  statusTitle: "Your last videos:",
  jobStatus: {
    QUEUED: "queued",
    WAITING_FOR_SCHEMA: "waiting for you to choose a database",
    WAITING_FOR_CONNECTION: "waiting for you to connect Notion",
    RUNNING: "working on it",
    DONE: "saved",
    FAILED: "failed",
  } as Record<string, string>,
} as const;

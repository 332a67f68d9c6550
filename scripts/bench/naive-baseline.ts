import { readdir } from "node:fs/promises";
import path from "node:path";
import { createOnScreenTextReader, createSummarizer, createTranscriber, mergeOnScreenLines, type CallOptions, type OnScreenTextReader } from "../../src/ai/index.ts";
import { createLogger } from "../../src/log.ts";
import { FIT_1280, runFfmpeg } from "../../src/media/ffmpeg.ts";
import { createMediaTools, resolveFfmpeg, type DownloadedMedia } from "../../src/media/index.ts";
import { createNotionApi } from "../../src/notion/client.ts";
import { publishPage } from "../../src/notion/publish.ts";
import { buildSummarySchema, parseNotionProperties } from "../../src/notion/schema-mapping.ts";
import type { NotionSchema } from "../../src/db/schemas.ts";
import { sumEntries, type UsageEntry, type UsageTotals } from "../../src/db/usage.ts";
import type { BenchContext } from "./context.ts";
import type { BenchPerson } from "./people.ts";
import type { BenchVideo } from "./videos.ts";
import { visionUsageSince, type VisionUsage } from "./vision-usage.ts";

/**
 * The original service's way, as the baseline: one video after another, and within a video
 * every stage after the previous one; a frame every second of video, each sent to OCR in a
 * request of its own. It calls the same room functions as the pipeline (download, audio,
 * transcriber, Vision reader, summariser, Notion publishing) against the same emulators, so
 * the difference is the design alone.
 */

/** One video through the naive baseline. */
export interface NaiveJob {
  video: BenchVideo;
  ms: number;
  frames: number;
  vision: VisionUsage;
  /** What its AI calls used, as each call reported it. */
  usage: UsageTotals;
}

/** Every second of video as a JPEG (a slideshow's pictures as they are). */
async function framePerSecond(ctx: BenchContext, media: DownloadedMedia): Promise<string[]> {
  if (media.imagePaths.length > 0) return media.imagePaths;
  if (!media.videoPath) return [];
  const tools = resolveFfmpeg(ctx.config.media);
  await runFfmpeg(tools, ["-i", media.videoPath, "-an", "-vf", `fps=1,${FIT_1280}`, "-q:v", "3", path.join(media.workDir, "second-%04d.jpg")]);
  const names = (await readdir(media.workDir)).filter((f) => /^second-\d{4}\.jpg$/.test(f)).sort();
  return names.map((f) => path.join(media.workDir, f));
}

async function readOneByOne(reader: OnScreenTextReader, frames: string[], call: CallOptions): Promise<string> {
  const perFrame: string[][] = [];
  for (const frame of frames) perFrame.push((await reader.read([frame], call)).lines);
  return mergeOnScreenLines(perFrame).join("\n");
}

async function notify(ctx: BenchContext, chatId: number, text: string): Promise<void> {
  const response = await fetch(`${ctx.tg.url}/bot${ctx.tg.token}/sendMessage`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ chat_id: chatId, text }),
  });
  if (!response.ok) throw new Error(`sendMessage answered ${response.status}`);
}

/** Runs the naive baseline over `videos`, publishing into `who`'s chosen database. */
export async function runNaiveBaseline(ctx: BenchContext, videos: BenchVideo[], who: BenchPerson): Promise<NaiveJob[]> {
  const { config } = ctx;
  const log = createLogger({ logLevel: "silent", logPretty: false });
  const media = createMediaTools(config.media, log, { workRoot: path.join(config.dataDir, "naive-work") });
  const transcriber = createTranscriber(config, log)!;
  const reader = createOnScreenTextReader(config, log);
  const summarizer = createSummarizer(config, log)!;
  const notion = createNotionApi(config.notion, log);
  const token = ctx.world.notion.grantToken();
  const schema: NotionSchema = await ctx.db.prisma.notionSchema.findUniqueOrThrow({ where: { id: who.person.activeSchemaId! } });
  const properties = parseNotionProperties(schema.properties);
  const { schema: responseSchema, propertyGuide } = buildSummarySchema(properties);

  const jobs: NaiveJob[] = [];
  for (const [index, video] of videos.entries()) {
    const visionFrom = ctx.world.vision.requests.length;
    const started = performance.now();
    const used: (UsageEntry & { jobId: string })[] = [];
    const call: CallOptions = { jobId: `naive-${index}`, onUsage: (usage) => void used.push({ ...usage, jobId: `naive-${index}` }) };
    const workDir = await media.createWorkDir(`naive-${index}`);
    try {
      const downloaded = await media.download(video.url, workDir);
      const frames = await framePerSecond(ctx, downloaded);
      const onScreenText = await readOneByOne(reader, frames, call);
      const chunks = await media.extractAudio(downloaded);
      const transcript = chunks.length > 0 ? (await transcriber.transcribe(chunks, call)).text : "";
      const m = downloaded.metadata;
      const summary = await summarizer.summarize(
        { sourceUrl: m.webpageUrl, title: m.title, caption: m.caption, uploader: m.uploader, hashtags: m.hashtags, transcript, onScreenText, propertyGuide },
        responseSchema,
        call,
      );
      const page = await publishPage(
        notion,
        token,
        { jobId: `naive-${index}-${Date.now()}`, dataSourceId: schema.dataSourceId, properties, summary, sourceUrl: m.webpageUrl, transcript, onScreenText, today: new Date().toISOString().slice(0, 10) },
        { onPageCreated: async () => {} },
      );
      await notify(ctx, who.user.id, `Saved: ${page.url}`);
      jobs.push({ video, ms: performance.now() - started, frames: frames.length, vision: visionUsageSince(ctx.world, visionFrom), usage: sumEntries(used) });
      ctx.say(`  naive ${video.label}: ${((performance.now() - started) / 1000).toFixed(1)} s, ${frames.length} frames`);
    } finally {
      await media.removeWorkDir(workDir);
    }
  }
  await reader.close();
  return jobs;
}

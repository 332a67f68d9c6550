/**
 * The usage repository: what each paid AI call of a job used, one row a call, summed for a
 * person's month (/usage), for the whole service (/metrics) and for one job (the bench).
 */
import type { Database } from "./client.ts";

/** What one AI call used; a provider fills in only its own units. */
export interface UsageEntry {
  provider: "openai" | "vision" | "tesseract" | "gemini";
  audioSeconds?: number;
  images?: number;
  inputTokens?: number;
  outputTokens?: number;
}

/** Summed usage in the units each service bills by; tesseract's images are free and not counted. */
export interface UsageTotals {
  /** Seconds of audio sent to OpenAI transcription. */
  audioSeconds: number;
  /** Images sent to Google Vision. */
  visionImages: number;
  geminiInputTokens: number;
  geminiOutputTokens: number;
  /** Jobs the usage belongs to. */
  jobs: number;
}

/** Every read and write of the UsageRecord table. */
export interface UsageRepository {
  /** Records one call's usage for a person, and the job it was for. */
  record(userId: string, jobId: string | undefined, usage: UsageEntry): Promise<void>;
  /** The person's usage from `since` on. */
  totalsOf(userId: string, since: Date): Promise<UsageTotals>;
  /** One job's usage. */
  totalsOfJob(jobId: string): Promise<UsageTotals>;
  /** Everyone's usage, ever. */
  totals(): Promise<UsageTotals>;
}

/** Rows summed by provider, as Postgres answers a GROUP BY. */
export interface UsageByProvider {
  provider: string;
  audioSeconds: number;
  images: number;
  inputTokens: number;
  outputTokens: number;
}

/** Sums per-provider rows into the units each service bills by (a tesseract image costs nothing). */
export function totalsFrom(rows: UsageByProvider[], jobs: number): UsageTotals {
  const of = (provider: string) => rows.find((r) => r.provider === provider);
  return {
    audioSeconds: of("openai")?.audioSeconds ?? 0,
    visionImages: of("vision")?.images ?? 0,
    geminiInputTokens: of("gemini")?.inputTokens ?? 0,
    geminiOutputTokens: of("gemini")?.outputTokens ?? 0,
    jobs,
  };
}

/** Sums single calls' usage (kept in memory, as the bench's naive baseline does) like the table would. */
export function sumEntries(entries: (UsageEntry & { jobId?: string })[]): UsageTotals {
  const providers = [...new Set(entries.map((e) => e.provider))];
  const total = (provider: string, unit: "audioSeconds" | "images" | "inputTokens" | "outputTokens") =>
    entries.filter((e) => e.provider === provider).reduce((n, e) => n + (e[unit] ?? 0), 0);
  const rows = providers.map((provider) => ({
    provider,
    audioSeconds: total(provider, "audioSeconds"),
    images: total(provider, "images"),
    inputTokens: total(provider, "inputTokens"),
    outputTokens: total(provider, "outputTokens"),
  }));
  return totalsFrom(rows, new Set(entries.flatMap((e) => (e.jobId ? [e.jobId] : []))).size);
}

/** The usage repository over Postgres or PGlite. */
export function createUsageRepository(db: Database): UsageRepository {
  const { prisma } = db;
  async function sum(where: { userId?: string; jobId?: string; createdAt?: { gte: Date } }): Promise<UsageTotals> {
    const [groups, jobs] = await Promise.all([
      prisma.usageRecord.groupBy({
        by: ["provider"],
        where,
        _sum: { audioSeconds: true, images: true, inputTokens: true, outputTokens: true },
      }),
      prisma.usageRecord.findMany({ where: { ...where, jobId: where.jobId ?? { not: null } }, distinct: ["jobId"], select: { jobId: true } }),
    ]);
    const rows = groups.map((g) => ({
      provider: g.provider,
      audioSeconds: g._sum.audioSeconds ?? 0,
      images: g._sum.images ?? 0,
      inputTokens: g._sum.inputTokens ?? 0,
      outputTokens: g._sum.outputTokens ?? 0,
    }));
    return totalsFrom(rows, jobs.length);
  }
  return {
    async record(userId, jobId, usage) {
      await prisma.usageRecord.create({
        data: {
          userId,
          jobId: jobId ?? null,
          provider: usage.provider,
          audioSeconds: usage.audioSeconds ?? 0,
          images: usage.images ?? 0,
          inputTokens: usage.inputTokens ?? 0,
          outputTokens: usage.outputTokens ?? 0,
        },
      });
    },
    totalsOf: (userId, since) => sum({ userId, createdAt: { gte: since } }),
    totalsOfJob: (jobId) => sum({ jobId }),
    totals: () => sum({}),
  };
}

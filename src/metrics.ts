import diagnostics from "node:diagnostics_channel";
import client from "prom-client";
import type { Config } from "./config.ts";
import { costOf } from "./ai/usage.ts";
import type { JobRepository } from "./db/jobs.ts";
import type { UsageRepository } from "./db/usage.ts";

/** The service's Prometheus metrics, served at /metrics. */
export interface Metrics {
  registry: client.Registry;
  /** Records how long one stage of one job took. */
  observeStage(stage: string, ms: number): void;
  /** Counts a job that reached DONE or FAILED. */
  jobFinished(status: "DONE" | "FAILED"): void;
  /** Counts a call refused because the AI account has no credit left (the page is made without that part). */
  aiQuotaExhausted(provider: "openai" | "gemini" | "vision"): void;
  /** Records the yt-dlp version found at start-up (and its release's age, when the version is a date). */
  ytDlpVersion(version: string, ageDays: number | undefined): void;
  /** Stops listening to outgoing requests. */
  close(): void;
}

type Provider = "openai" | "gemini" | "vision" | "notion" | "telegram" | "discord";

function providersOf(config: Config): { origin: string; provider: Provider }[] {
  const entries: [Provider, string][] = [
    ["openai", config.openai.baseUrl],
    ["gemini", config.gemini.baseUrl],
    ["vision", config.vision.endpoint],
    ["notion", config.notion.apiBaseUrl],
    ["telegram", config.telegram.apiRoot],
    ["discord", config.discord.apiBase],
  ];
  return entries.map(([provider, url]) => ({ provider, origin: new URL(url).origin }));
}

interface UndiciRequest {
  origin?: string | URL;
}
interface HttpClientRequest {
  protocol?: string;
  host?: string;
  getHeader?(name: string): unknown;
}

/** AI usage and its cost at list prices, summed over every instance (read from the database at scrape time). */
function usageGauges(config: Config, usage: UsageRepository, registry: client.Registry): void {
  new client.Gauge({
    name: "reelnotes_ai_usage_total",
    help: "AI usage of every job so far, in the unit each service bills by.",
    labelNames: ["unit"],
    registers: [registry],
    async collect() {
      const t = await usage.totals();
      this.set({ unit: "transcription_audio_seconds" }, t.audioSeconds);
      this.set({ unit: "vision_images" }, t.visionImages);
      this.set({ unit: "gemini_input_tokens" }, t.geminiInputTokens);
      this.set({ unit: "gemini_output_tokens" }, t.geminiOutputTokens);
    },
  });
  new client.Gauge({
    name: "reelnotes_ai_cost_usd_total",
    help: "What that usage cost at the configured list prices (PRICE_*), in US dollars.",
    labelNames: ["service"],
    registers: [registry],
    async collect() {
      const cost = costOf(await usage.totals(), config.prices);
      this.set({ service: "transcription" }, cost.transcription);
      this.set({ service: "vision" }, cost.vision);
      this.set({ service: "gemini" }, cost.gemini);
    },
  });
}

/**
 * Creates the metrics: jobs by status, queue depth and oldest queued age, AI usage and cost
 * (read from the database at scrape time), stage duration histograms, external API calls by provider and
 * status (429s included) seen on every outgoing fetch/undici/http request, and process metrics.
 */
export function createMetrics(config: Config, jobs: JobRepository, usage: UsageRepository): Metrics {
  const registry = new client.Registry();
  usageGauges(config, usage, registry);
  client.collectDefaultMetrics({ register: registry });
  const providers = providersOf(config);
  const providerOf = (origin: string) => providers.find((p) => p.origin === origin)?.provider;

  const stageSeconds = new client.Histogram({
    name: "reelnotes_stage_duration_seconds",
    help: "Service time of one pipeline stage of one job.",
    labelNames: ["stage"],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
    registers: [registry],
  });
  const finished = new client.Counter({
    name: "reelnotes_jobs_finished_total",
    help: "Jobs that reached a final status in this process.",
    labelNames: ["status"],
    registers: [registry],
  });
  const quotaExhausted = new client.Counter({
    name: "reelnotes_ai_quota_exhausted_total",
    help: "AI calls refused because the account's quota is spent (OpenAI insufficient_quota); pages are saved without that part.",
    labelNames: ["provider"],
    registers: [registry],
  });
  const ytDlpInfo = new client.Gauge({
    name: "reelnotes_yt_dlp_info",
    help: "The yt-dlp version this process runs (value 1); TikTok and Instagram break old releases within weeks.",
    labelNames: ["version"],
    registers: [registry],
  });
  const ytDlpAge = new client.Gauge({
    name: "reelnotes_yt_dlp_release_age_days",
    help: "Days since the running yt-dlp release came out (read from its YYYY.MM.DD version) when this process started.",
    labelNames: ["version"],
    registers: [registry],
  });
  const external = new client.Counter({
    name: "reelnotes_external_requests_total",
    help: "Requests to external APIs by provider and HTTP status.",
    labelNames: ["provider", "status"],
    registers: [registry],
  });
  const externalErrors = new client.Counter({
    name: "reelnotes_external_request_errors_total",
    help: "Requests to external APIs that got no HTTP answer (network errors, timeouts).",
    labelNames: ["provider"],
    registers: [registry],
  });
  new client.Gauge({
    name: "reelnotes_jobs",
    help: "Jobs by status.",
    labelNames: ["status"],
    registers: [registry],
    async collect() {
      const rows = await jobs.countByStatus();
      this.reset();
      for (const row of rows) this.set({ status: row.status }, row.count);
    },
  });
  new client.Gauge({
    name: "reelnotes_queue_depth",
    help: "Jobs queued and due now.",
    registers: [registry],
    async collect() {
      this.set(await jobs.countDue());
    },
  });
  new client.Gauge({
    name: "reelnotes_oldest_queued_age_seconds",
    help: "Age of the oldest job still queued (0 when none).",
    registers: [registry],
    async collect() {
      const oldest = await jobs.oldestQueuedAt();
      this.set(oldest ? (Date.now() - oldest.getTime()) / 1000 : 0);
    },
  });

  // fetch and undici (OpenAI, Gemini, Notion, Discord) publish here...
  const onUndiciHeaders = (message: unknown) => {
    const { request, response } = message as { request: UndiciRequest; response: { statusCode: number } };
    const provider = request.origin ? providerOf(new URL(String(request.origin)).origin) : undefined;
    if (provider) external.inc({ provider, status: String(response.statusCode) });
  };
  const onUndiciError = (message: unknown) => {
    const { request } = message as { request: UndiciRequest };
    const provider = request.origin ? providerOf(new URL(String(request.origin)).origin) : undefined;
    if (provider) externalErrors.inc({ provider });
  };
  // ...and node:http (grammY's node-fetch) here.
  const onHttpResponse = (message: unknown) => {
    const { request, response } = message as { request: HttpClientRequest; response: { statusCode?: number } };
    const host = String(request.getHeader?.("host") ?? request.host ?? "");
    const provider = providerOf(`${request.protocol ?? "http:"}//${host}`);
    if (provider) external.inc({ provider, status: String(response.statusCode ?? 0) });
  };
  diagnostics.subscribe("undici:request:headers", onUndiciHeaders);
  diagnostics.subscribe("undici:request:error", onUndiciError);
  diagnostics.subscribe("http.client.response.finish", onHttpResponse);

  return {
    registry,
    observeStage: (stage, ms) => stageSeconds.observe({ stage }, ms / 1000),
    jobFinished: (status) => finished.inc({ status }),
    aiQuotaExhausted: (provider) => quotaExhausted.inc({ provider }),
    ytDlpVersion: (version, ageDays) => {
      ytDlpInfo.reset();
      ytDlpInfo.set({ version }, 1);
      ytDlpAge.reset();
      if (ageDays !== undefined) ytDlpAge.set({ version }, ageDays);
    },
    close: () => {
      diagnostics.unsubscribe("undici:request:headers", onUndiciHeaders);
      diagnostics.unsubscribe("undici:request:error", onUndiciError);
      diagnostics.unsubscribe("http.client.response.finish", onHttpResponse);
    },
  };
}

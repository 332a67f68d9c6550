/** Seconds spent in each pipeline stage, from the service's /metrics (Prometheus text). */
export async function stageDurations(siteUrl: string): Promise<Record<string, number>> {
  const response = await fetch(`${siteUrl}/metrics`).catch(() => undefined);
  if (!response?.ok) return {};
  const text = await response.text();
  const durations: Record<string, number> = {};
  for (const [, stage, value] of text.matchAll(/^reelnotes_stage_duration_seconds_sum\{[^}]*stage="([^"]+)"[^}]*\} (\S+)$/gm)) {
    durations[stage!] = Number(value);
  }
  return durations;
}

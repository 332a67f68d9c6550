/**
 * Goes through the emulator's consent page over plain HTTP, as a person would in a browser:
 * for tests and the demo. Returns the callback URL Notion would redirect to.
 */

const ENTITIES: Record<string, string> = { "&amp;": "&", "&quot;": '"', "&#39;": "'", "&lt;": "<", "&gt;": ">" };
const unescape = (text: string) => text.replace(/&(amp|quot|#39|lt|gt);/g, (m) => ENTITIES[m]!);

/** Which data sources to tick (`all` by default), or `cancel` to press Cancel. */
export type ConsentChoice = { all: true } | { dataSourceIds: string[] } | { cancel: true };

/** Opens `authorizeUrl`, ticks the chosen data sources, presses Allow (or Cancel), returns the redirect target. */
export async function consentOverHttp(authorizeUrl: string, choice: ConsentChoice = { all: true }): Promise<string> {
  const response = await fetch(authorizeUrl);
  const html = await response.text();
  if (!response.ok) throw new Error(`Consent page answered ${response.status}: ${html.slice(0, 300)}`);
  const form = new URLSearchParams();
  for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form.append(name!, unescape(value!));
  const offered = [...html.matchAll(/name="data_source_id" value="([^"]+)"/g)].map((m) => unescape(m[1]!));
  if ("cancel" in choice) form.append("decision", "cancel");
  else {
    const ticked = "all" in choice ? offered : choice.dataSourceIds.filter((id) => offered.includes(id));
    for (const id of ticked) form.append("data_source_id", id);
    form.append("decision", "allow");
  }
  const action = /<form method="post" action="([^"]+)">/.exec(html)?.[1] ?? "/v1/oauth/authorize";
  const submitted = await fetch(new URL(unescape(action), authorizeUrl), { method: "POST", body: form, redirect: "manual" });
  const location = submitted.headers.get("location");
  if (submitted.status !== 302 || !location) throw new Error(`Consent form answered ${submitted.status}: ${(await submitted.text()).slice(0, 300)}`);
  return location;
}

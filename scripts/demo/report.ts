import { contractLines } from "./contracts.ts";
import type { BlockOutline, SavedPage } from "./page.ts";
import type { ConversationLine } from "./person.ts";
import type { DemoResult } from "./run.ts";

/**
 * The demo's printed report: the conversation as the person saw it, then the page as it
 * reached Notion. `--json` adds one JSON line after it.
 */

const WIDTH = 72;
const rule = (title: string) => `── ${title} ${"─".repeat(Math.max(0, WIDTH - title.length - 4))}`;
const indent = (text: string, prefix: string) => text.split("\n").map((line, i) => (i === 0 ? line : `${prefix}${line}`)).join("\n");

function renderLine(line: ConversationLine, names: { user: string; bot: string }): string[] {
  const who = line.from === "user" ? names.user : names.bot;
  const pad = " ".repeat(who.length + 2);
  const out = [`${who}: ${indent(line.text, pad)}`];
  for (const embed of line.embeds ?? []) {
    out.push(`${pad}┃ ${[embed.title, embed.description].filter(Boolean).map((t) => indent(t!, `${pad}┃ `)).join(`\n${pad}┃ `)}`);
  }
  if (line.buttons?.length) out.push(`${pad}${line.buttons.map((b) => `[${b.label}${b.url ? ` → ${b.url}` : ""}]`).join(" ")}`);
  return out;
}

/** The conversation, one message after another, each with its buttons and embeds. */
export function renderConversation(conversation: ConversationLine[], platform: string): string {
  const names = { user: "Ada", bot: "Bot" };
  return [rule(`Conversation on ${platform}`), ...conversation.flatMap((line) => [...renderLine(line, names), ""])].join("\n");
}

function renderBlocks(blocks: BlockOutline[], depth = 0): string[] {
  return blocks.flatMap((block) => [
    `${"  ".repeat(depth + 1)}- ${block.type}${block.text ? `: ${block.text.replace(/\n/g, " ⏎ ")}` : ""}`,
    ...renderBlocks(block.children ?? [], depth + 1),
  ]);
}

/** The page: where it is, each property exactly as sent to Notion, and an outline of its body. */
export function renderPage(page: SavedPage): string {
  return [
    rule("Page in Notion"),
    `id:          ${page.id}`,
    `url:         ${page.url}`,
    `data source: ${page.dataSourceId}`,
    "properties (as sent to Notion):",
    ...Object.entries(page.properties).map(([name, value]) => `  ${name}: ${JSON.stringify(value)}`),
    `cover (as sent to Notion): ${JSON.stringify(page.cover)}`,
    "body:",
    ...renderBlocks(page.blocks),
  ].join("\n");
}

/** The whole report; a failure ends with what went wrong. */
export function renderReport(result: DemoResult): string {
  const parts = [renderConversation(result.conversation, result.platform)];
  if (result.page) parts.push(renderPage(result.page));
  const stages = Object.entries(result.stageSeconds ?? {});
  if (stages.length > 0) parts.push([rule("Stage durations (from /metrics)"), ...stages.map(([stage, s]) => `  ${stage.padEnd(12)} ${s.toFixed(2)} s`)].join("\n"));
  if (result.contracts) parts.push([rule("Exchanges checked against the official API descriptions"), ...contractLines(result.contracts)].join("\n"));
  parts.push(result.ok ? `Done in ${result.seconds} s.` : `The demo failed after ${result.seconds} s: ${result.error}`);
  return `${parts.join("\n\n")}\n`;
}

/** The `--json` line: exactly the fields the issue names. */
export function jsonLine(result: DemoResult): string {
  return JSON.stringify({
    ok: result.ok,
    conversation: result.conversation.map(({ from, text }) => ({ from, text })),
    page: result.page,
    ...(result.error ? { error: result.error } : {}),
  });
}

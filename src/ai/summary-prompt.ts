import type { SummaryInput } from "../summary.ts";

/** The standing instruction for every summary call. */
export const SUMMARY_INSTRUCTION = [
  "You file short videos into a person's Notion database.",
  "Answer with one JSON object that follows the response schema exactly.",
  "Use only facts found in the video material (caption, transcript, on-screen text, hashtags).",
  "For a property the material says nothing about, use null when the schema allows it, otherwise the closest neutral value.",
  "Pick select and multi-select values only from the listed options.",
  "Write the title, summary and key points in the language the video speaks.",
].join(" ");

/** Tags that frame each part of the material; the material is data, never instructions. */
export function section(tag: string, text: string | undefined): string {
  const body = (text ?? "").trim();
  return `<${tag}>\n${body === "" ? "(none)" : body.replaceAll(`</${tag}>`, "")}\n</${tag}>`;
}

const languageNames = new Intl.DisplayNames(["en"], { type: "language", fallback: "none" });

/** The English name of a detected language, as whisper reports it ("spanish") or as a code ("es"). */
export function spokenLanguageName(detected: string | undefined): string | undefined {
  const raw = detected?.trim();
  if (!raw) return undefined;
  if (/^[a-z]{2,3}(-[a-z0-9]+)*$/i.test(raw)) {
    try {
      const name = languageNames.of(raw);
      if (name) return name;
    } catch {
      // Not a well-formed code after all: treated as a name below.
    }
  }
  return raw.replace(/\p{L}+/gu, (word) => word[0]!.toUpperCase() + word.slice(1).toLowerCase());
}

/** The sentence saying which language to write in: the person's choice, else the speech's detected one. */
function languageLine(input: SummaryInput): string[] {
  if (input.language) return [`Write "title", "summary" and "keyPoints" in ${input.language}, whatever language the video speaks.`];
  const spoken = spokenLanguageName(input.spokenLanguage);
  return spoken ? [`The speech in the video was detected as ${spoken}: write "title", "summary" and "keyPoints" in ${spoken}.`] : [];
}

/**
 * The prompt for one video: its material in tagged sections, then the properties to fill with
 * their kinds, options and descriptions (the Notion room's property guide).
 */
export function buildSummaryPrompt(input: SummaryInput): string {
  return [
    section("source_url", input.sourceUrl),
    section("title", input.title),
    section("uploader", input.uploader),
    section("hashtags", input.hashtags.map((h) => (h.startsWith("#") ? h : `#${h}`)).join(" ")),
    section("caption", input.caption),
    section("transcript", input.transcript),
    section("on_screen_text", input.onScreenText),
    section("properties", input.propertyGuide),
    'Fill "title" (a short page title), "summary" (two to four sentences), "keyPoints" (the main points, one sentence each) and "properties" (one entry per property listed above, keyed by its exact name).',
    ...languageLine(input),
  ].join("\n\n");
}

/** The follow-up asking the model to fix an answer that was not valid JSON for the schema. */
export function buildRepairPrompt(problems: string[]): string {
  return [
    "That answer cannot be used:",
    ...problems.slice(0, 20).map((p) => `- ${p}`),
    "Answer again with only the corrected JSON object, following the response schema exactly.",
  ].join("\n");
}

/** The follow-up after an answer was cut off at the output limit (MAX_TOKENS). */
export const TIGHTER_ANSWER =
  'Your answer was cut off at the output limit. Answer again with a shorter JSON object: "summary" in at most two sentences, at most five "keyPoints" of one short sentence each, and short property values.';

/** The video material the Gemini emulator reads from a summary prompt. */

/** The video material in a prompt: the text of its tagged sections except the list of properties to fill. */
export interface Material {
  text: string;
  sentences: string[];
  sourceUrl?: string;
  /** Options the prompt's property list names for each property (`- "Cuisine" (select; options: "A", "B")`). */
  optionsByProperty: Record<string, string[]>;
}

const QUOTED = String.raw`"(?:[^"\\]|\\.)*"`;
const GUIDE_LINE = new RegExp(String.raw`^- (${QUOTED}) \([^;)]*; options: ((?:${QUOTED}(?:, )?)+)\)`);

/** The options each property's guide line lists, read the way a model reads the prompt. */
function optionsOf(guide: string | undefined): Record<string, string[]> {
  const options: Record<string, string[]> = {};
  for (const line of (guide ?? "").split("\n")) {
    const match = GUIDE_LINE.exec(line.trim());
    if (!match) continue;
    try {
      options[JSON.parse(match[1]!) as string] = JSON.parse(`[${match[2]!}]`) as string[];
    } catch {
      // A line the emulator cannot read is a property the "model" fills without options.
    }
  }
  return options;
}

const SECTION = /<([a-z_]+)>\n?([\s\S]*?)\n?<\/\1>/g;

/**
 * Reads the material out of the user turns. Tagged sections are used when present (the
 * property guide names every option, so it must not count as "mentioned"); otherwise the whole text.
 */
export function materialOf(userText: string): Material {
  const sections = [...userText.matchAll(SECTION)];
  const sourceUrl = sections.find((s) => s[1] === "source_url")?.[2]?.trim();
  const parts = sections.length
    ? sections.filter((s) => s[1] !== "properties" && s[1] !== "source_url").map((s) => s[2]!.trim())
    : [userText];
  const text = parts.filter((p) => p !== "" && p !== "(none)").join("\n");
  const sentences = text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => /\p{L}/u.test(s));
  const guide = sections.find((s) => s[1] === "properties")?.[2];
  return { text, sentences, sourceUrl, optionsByProperty: optionsOf(guide) };
}

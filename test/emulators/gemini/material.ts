/** The video material the Gemini emulator reads from a summary prompt. */

/** The video material in a prompt: the text of its tagged sections except the list of properties to fill. */
export interface Material {
  text: string;
  sentences: string[];
  sourceUrl?: string;
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
  return { text, sentences, sourceUrl };
}

import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

/**
 * The build context as Docker sends it: every file under the context folder that .dockerignore
 * does not exclude. Patterns follow Docker's rules: relative to the context root, `*` and `?`
 * within one path part, `**` across parts, a match on a folder excludes what is inside, `!`
 * re-includes, and the last matching pattern wins.
 */

interface Pattern {
  negate: boolean;
  regex: RegExp;
  text: string;
}

function toRegex(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i]!;
    if (char === "*" && pattern[i + 1] === "*") {
      const slash = pattern[i + 2] === "/";
      source += slash ? "(?:.*/)?" : ".*";
      i += slash ? 2 : 1;
    } else if (char === "*") source += "[^/]*";
    else if (char === "?") source += "[^/]";
    else source += char.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

function parsePatterns(text: string): Pattern[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"))
    .map((line) => {
      const negate = line.startsWith("!");
      const clean = path.posix.normalize(line.slice(negate ? 1 : 0).trim()).replace(/^\/+/, "");
      return { negate, regex: toRegex(clean), text: clean };
    });
}

/** Whether `rel` (or a folder it is in) matches `pattern`. */
function matches(pattern: Pattern, rel: string): boolean {
  const parts = rel.split("/");
  return parts.some((_, i) => pattern.regex.test(parts.slice(0, i + 1).join("/")));
}

function isExcluded(patterns: Pattern[], rel: string): boolean {
  let excluded = false;
  for (const pattern of patterns) if (matches(pattern, rel)) excluded = !pattern.negate;
  return excluded;
}

/** The context's files (paths relative to `root`, with `/`), honouring `root/.dockerignore`. */
export async function contextFiles(root: string): Promise<Set<string>> {
  const patterns = parsePatterns(await readFile(path.join(root, ".dockerignore"), "utf8").catch(() => ""));
  const reincludes = patterns.filter((p) => p.negate);
  const files = new Set<string>();
  const walk = async (rel: string): Promise<void> => {
    for (const entry of await readdir(path.join(root, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      const excluded = isExcluded(patterns, child);
      if (entry.isDirectory()) {
        // An excluded folder is skipped unless an exception could bring back something inside.
        if (!excluded || reincludes.some((p) => p.text.startsWith(`${child}/`) || p.text.includes("*"))) await walk(child);
      } else if (!excluded) files.add(child);
    }
  };
  await walk("");
  return files;
}

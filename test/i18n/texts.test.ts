import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { english, LANGUAGES, languageOf, RESOURCES, speakingLanguage, translator } from "../../src/i18n/index.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const PLURAL = /_(zero|one|two|few|many|other)$/;
/** Labels (buttons, menus, a language's own name) are not sentences; everything else is. */
const LABELS = /^(languageName|connectButton|connectPage\.(button|continueLink)|disconnectButton|disconnectCancelButton|forgetButton|forgetCancelButton|openInNotion|moveButton|site\.(homeTitle|openTelegram|openDiscord|privacyLink|termsLink|privacyTitle|termsTitle)|tryAgain|language\.autoButton|sentFileLabel\..+|command\..+)$/;

function leaves(node: object, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(node)) {
    if (typeof value === "string") out.set(`${prefix}${key}`, value);
    else for (const [k, v] of leaves(value as object, `${prefix}${key}.`)) out.set(k, v);
  }
  return out;
}

/** Per sentence (plural forms folded together): its forms and the variables they use. */
function sentences(language: (typeof LANGUAGES)[number]) {
  const out = new Map<string, { forms: Set<string>; variables: Set<string>; texts: string[] }>();
  for (const [key, text] of leaves(RESOURCES[language])) {
    const base = key.replace(PLURAL, "");
    const entry = out.get(base) ?? { forms: new Set(), variables: new Set(), texts: [] };
    entry.forms.add(PLURAL.exec(key)?.[1] ?? "");
    for (const [, name] of text.matchAll(/\{\{\s*([\w]+)[^}]*\}\}/g)) entry.variables.add(name!);
    entry.texts.push(text);
    out.set(base, entry);
  }
  return out;
}

const SENTENCES = Object.fromEntries(LANGUAGES.map((l) => [l, sentences(l)]));

describe("the bot's sentences in every language", () => {
  it("speaks English, Spanish, Portuguese, German, Russian and Japanese", () => {
    expect([...LANGUAGES].sort()).toEqual(["de", "en", "es", "ja", "pt", "ru"]);
  });

  for (const language of LANGUAGES.filter((l) => l !== "en")) {
    it(`has every English sentence in ${language} with the same variables, and no other`, () => {
      const en = SENTENCES.en!;
      const other = SENTENCES[language]!;
      expect([...other.keys()].sort()).toEqual([...en.keys()].sort());
      for (const [key, { variables }] of en) expect([...other.get(key)!.variables].sort(), `${language} ${key}`).toEqual([...variables].sort());
    });
  }

  for (const language of LANGUAGES) {
    it(`gives every counted sentence in ${language} exactly the plural forms its grammar has`, () => {
      const categories = new Intl.PluralRules(language).resolvedOptions().pluralCategories.slice().sort();
      const counted = [...SENTENCES[language]!].filter(([, s]) => !s.forms.has(""));
      expect(counted.length).toBeGreaterThan(3);
      for (const [key, { forms, variables }] of counted) {
        expect([...forms].sort(), `${language} ${key}`).toEqual(categories);
        expect(variables.has("count"), `${language} ${key} counts something`).toBe(true);
      }
    });

    it(`writes whole sentences in ${language}: each ends as a sentence does, values only fill slots`, () => {
      for (const [key, { texts }] of SENTENCES[language]!) {
        if (LABELS.test(key)) continue;
        for (const text of texts) {
          const withoutTrailingValue = text.replace(/(\s*\{\{[^}]+\}\})+\s*$/, "");
          expect(withoutTrailingValue, `${language} ${key}`).toMatch(/[.?!:…。？！：)]$/);
        }
      }
    });
  }

  it("renders plurals by the language's own rules", () => {
    expect(translator("ru")("rateLimited", { count: 1 })).toContain("1 минуту");
    expect(translator("ru")("rateLimited", { count: 3 })).toContain("3 минуты");
    expect(translator("ru")("rateLimited", { count: 5 })).toContain("5 минут");
    expect(english("rateLimited", { count: 1 })).toContain("in 1 minute.");
    expect(translator("ja")("chooseForWaiting", { count: 4 })).toBe("この 4 件のリンクをどのデータベースに保存しますか？");
    expect(translator("de")("connected", { workspace: "Küche", count: 2, databases: ["Rezepte", "Drinks"] })).toBe(
      "Mit Küche verbunden. 2 Datenbanken gefunden: Rezepte und Drinks. Wähle eine mit /tag.",
    );
  });

  it("reads client language tags and prefers the person's own choice", () => {
    expect(languageOf("pt-BR")).toBe("pt");
    expect(languageOf("es-419")).toBe("es");
    expect(languageOf("fr")).toBeUndefined();
    expect(speakingLanguage("ja", "es")).toBe("ja");
    expect(speakingLanguage(null, "es-ES")).toBe("es");
    expect(speakingLanguage(null, "fr")).toBe("en");
  });
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (name === "generated" || name === "locales") return [];
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith(".ts") ? [full] : [];
  });
}

/** The literal parts of a template literal (what is outside `${…}`, braces balanced). */
function literalParts(template: string): string {
  let out = "";
  let depth = 0;
  for (let i = 0; i < template.length; i++) {
    if (depth === 0 && template[i] === "$" && template[i + 1] === "{") {
      depth = 1;
      i++;
    } else if (depth > 0 && template[i] === "{") depth++;
    else if (depth > 0 && template[i] === "}") depth--;
    else if (depth === 0) out += template[i];
  }
  return out;
}

describe("no message built from fragments", () => {
  const chatSources = [...sourceFiles(path.join(ROOT, "src/chat")), ...sourceFiles(path.join(ROOT, "bots"))];

  it("keeps no English sentence of the bot in the code: each lives once, in the English resources", () => {
    const code = [...sourceFiles(path.join(ROOT, "src")), ...sourceFiles(path.join(ROOT, "bots"))].map((f) => readFileSync(f, "utf8")).join("\n");
    for (const [key, text] of leaves(RESOURCES.en)) {
      if (LABELS.test(key)) continue;
      const start = text.split("{{")[0]!.split("\n")[0]!;
      if (start.length < 16) continue;
      expect(code.includes(start), `"${start}" (${key}) is written in the code too`).toBe(false);
    }
  });

  it("joins translated sentences only with line breaks and spaces, never with words of its own", () => {
    let checked = 0;
    for (const file of chatSources) {
      const source = readFileSync(file, "utf8");
      for (const [template] of source.matchAll(/`(?:[^`\\]|\\.)*`/g)) {
        if (!/\bt\(|\)\("/.test(template)) continue;
        checked++;
        expect(literalParts(template.slice(1, -1)), `${path.relative(ROOT, file)}: ${template}`).toMatch(/^(\\n|\s|✓)*$/);
      }
    }
    expect(checked).toBeGreaterThan(2);
  });

  it("sends no sentence of its own outside the resources: every `text:` in the chat code is a translation", () => {
    for (const file of chatSources) {
      const source = readFileSync(file, "utf8");
      for (const [, literal] of source.matchAll(/\btext:\s*(["'`][^"'`]*["'`])/g)) {
        expect(literalParts(literal!.slice(1, -1)), `${path.relative(ROOT, file)}: ${literal}`).not.toMatch(/[A-Za-z]{2,}/);
      }
    }
  });
});

describe("the summary's language", () => {
  it("asks for the person's chosen language when there is one, and else leaves it to the video", async () => {
    const { buildSummaryPrompt } = await import("../../src/ai/summary-prompt.ts");
    const { languageNameOf } = await import("../../src/i18n/index.ts");
    const input = { sourceUrl: "https://www.tiktok.com/@chef/video/1", hashtags: [], transcript: "Hola a todos.", onScreenText: "", propertyGuide: "" };
    expect(buildSummaryPrompt({ ...input, language: languageNameOf("ja") })).toContain('Write "title", "summary" and "keyPoints" in Japanese, whatever language the video speaks.');
    expect(buildSummaryPrompt(input)).not.toContain("whatever language the video speaks");
    expect(languageNameOf(null)).toBeUndefined();
  });
});

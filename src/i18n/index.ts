import i18next, { type TFunction } from "i18next";
import { z } from "zod";
import de from "./locales/de.json" with { type: "json" };
import en from "./locales/en.json" with { type: "json" };
import es from "./locales/es.json" with { type: "json" };
import ja from "./locales/ja.json" with { type: "json" };
import pt from "./locales/pt.json" with { type: "json" };
import ru from "./locales/ru.json" with { type: "json" };

/**
 * Every sentence the bot says, in every language it speaks, through i18next. The resource
 * files in `locales/` hold whole sentences; plurals use i18next's suffixes (`_one`, `_few`,
 * `_many`, `_other`, chosen by `Intl.PluralRules`), lists its `list` formatter.
 */

/** The languages the bot speaks; the first is the fallback. */
export const LANGUAGES = ["en", "es", "pt", "de", "ru", "ja"] as const;

/** A language the bot speaks. */
export type Language = (typeof LANGUAGES)[number];

/** The resources of every language, as loaded (tests compare them key by key). */
export const RESOURCES: Record<Language, object> = { en, es, pt, de, ru, ja };

type PluralSuffix = "_zero" | "_one" | "_two" | "_few" | "_many" | "_other";
type StripPlural<K extends string> = K extends `${infer Base}${PluralSuffix}` ? Base : K;
type Leaves<T, Prefix extends string = ""> = {
  [K in keyof T & string]: T[K] extends string ? StripPlural<`${Prefix}${K}`> : Leaves<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

/** A sentence's key, e.g. `"queued"` or `"error.videoPrivate"` (without plural suffixes). */
export type TextKey = Leaves<typeof en>;

/** Values put into a sentence: `count` picks the plural form; arrays are joined as a list. */
export type TextParams = Record<string, string | number | string[]>;

/** A sentence not yet put into words: its key and values, rendered in the reader's language. */
export interface TextRef {
  key: TextKey;
  params?: TextParams;
}

/** Renders sentences in one language. */
export type Translate = (key: TextKey, params?: TextParams) => string;

const i18n = i18next.createInstance();
void i18n.init({
  resources: Object.fromEntries(LANGUAGES.map((language) => [language, { translation: RESOURCES[language] }])),
  lng: "en",
  fallbackLng: "en",
  supportedLngs: [...LANGUAGES],
  initAsync: false,
  // Adapters escape for their platform; i18next must not HTML-escape.
  interpolation: { escapeValue: false },
  returnNull: false,
  returnObjects: false,
});

/**
 * The bot's language for a client language tag (`es-419`, `pt-BR`, `en-US`, `ja`): its base
 * language when the bot speaks it, else undefined.
 */
export function languageOf(tag: string | null | undefined): Language | undefined {
  const base = tag?.trim().toLowerCase().split(/[-_]/)[0];
  return LANGUAGES.find((language) => language === base);
}

/** True for a code the bot speaks. */
export function isLanguage(code: string): code is Language {
  return (LANGUAGES as readonly string[]).includes(code);
}

/** The sentences of one language. */
export function translator(language: Language): Translate {
  const t: TFunction = i18n.getFixedT(language);
  return (key, params) => t(key, params ?? {}) as string;
}

/** A sentence reference in one language. */
export function render(language: Language, text: TextRef): string {
  return translator(language)(text.key, text.params);
}

/** English, for logs and for tests that compare with what the bot said. */
export const english: Translate = translator("en");

/** The language to speak: the one the person chose, else their chat app's, else English. */
export function speakingLanguage(chosen: string | null | undefined, locale: string | null | undefined): Language {
  return languageOf(chosen) ?? languageOf(locale) ?? "en";
}

const STORED_TEXT = z.object({
  key: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.array(z.string())])).optional(),
});

/** True for a key of a sentence the bot has (plural keys by their base name). */
export function isTextKey(key: string): key is TextKey {
  return i18n.exists(key, { lng: "en" }) || i18n.exists(`${key}_other`, { lng: "en" });
}

/** A sentence reference read back from storage (a job's failure); undefined when it is not one the bot knows. */
export function textRefFrom(stored: unknown): TextRef | undefined {
  const parsed = STORED_TEXT.safeParse(stored);
  if (!parsed.success || !isTextKey(parsed.data.key)) return undefined;
  return { key: parsed.data.key, params: parsed.data.params };
}

const ENGLISH_NAMES: Record<Language, string> = { en: "English", es: "Spanish", pt: "Portuguese", de: "German", ru: "Russian", ja: "Japanese" };

/** The English name of a language the bot speaks (for the summary prompt); undefined for anything else. */
export function languageNameOf(code: string | null | undefined): string | undefined {
  const language = languageOf(code);
  return language ? ENGLISH_NAMES[language] : undefined;
}

import { RESOURCES, type Language, type TextKey } from "../../src/i18n/index.ts";

/**
 * Recognises the bot's sentences in any language it speaks, so the demo's people (and the tests
 * that reuse them) follow the conversation by meaning rather than by English wording.
 */

function rawForms(language: Language, key: TextKey): string[] {
  const path = key.split(".");
  const leaf = path.pop()!;
  let node: unknown = RESOURCES[language];
  for (const part of path) node = (node as Record<string, unknown>)[part];
  const entries = Object.entries(node as Record<string, unknown>);
  return entries.filter(([name]) => name === leaf || name.startsWith(`${leaf}_`)).map(([, value]) => String(value));
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** True when `text` begins with one of the sentences `keys` (any plural form, any values) in `language`. */
export function saysOneOf(language: Language, keys: TextKey[], text: string | undefined): boolean {
  if (text === undefined) return false;
  return keys.some((key) =>
    rawForms(language, key).some((form) => {
      const pattern = form
        .split(/\{\{[^}]+\}\}/)
        .map(escape)
        .join("[\\s\\S]*?");
      return new RegExp(`^${pattern}`).test(text);
    }),
  );
}

import type { Person as StoredPerson } from "../db/people.ts";
import { speakingLanguage, translator, type Language, type Translate } from "../i18n/index.ts";

/** The person behind a chat account, with the language the bot speaks to them in. */
export interface Person extends StoredPerson {
  /** The language chosen with /language, when it is one the bot speaks. */
  chosen: Language | null;
  /** Their chat app's language (English when the bot does not speak it). */
  appLanguage: Language;
  /** The language the bot speaks to them in: their choice, else their app's. */
  language: Language;
  /** The bot's sentences in that language. */
  t: Translate;
}

/** The stored person, ready to be spoken to. */
export function speakingTo(person: StoredPerson): Person {
  const language = speakingLanguage(person.chosenLanguage, person.locale);
  const chosen = person.chosenLanguage ? speakingLanguage(person.chosenLanguage, undefined) : null;
  return { ...person, chosen, appLanguage: speakingLanguage(null, person.locale), language, t: translator(language) };
}

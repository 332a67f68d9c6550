import { matchByName, type Named } from "../../src/chat/tag-match.ts";

/**
 * The database the person picks from what the bot offers: the one `tag` names (by tag or title,
 * the way `/tag <name>` matches), or the first offered when no tag is given.
 */
export function pickDatabase<T extends Named>(tag: string | undefined, offered: T[]): T {
  if (offered.length === 0) throw new Error("The bot offered no database to choose");
  if (tag === undefined) return offered[0]!;
  const { match } = matchByName(tag, offered);
  if (!match) throw new Error(`No database matches --tag ${tag}; offered: ${offered.map((o) => o.title).join(", ")}`);
  return match;
}

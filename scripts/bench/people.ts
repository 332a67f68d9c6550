import type { Config } from "../../src/config.ts";
import type { Database } from "../../src/db/client.ts";
import type { Person } from "../../src/db/people.ts";
import { createRepositories } from "../../src/db/repositories.ts";
import { createTokenCipher } from "../../src/db/token-cipher.ts";
import type { ScriptedUser, TelegramEmulator } from "../../test/emulators/telegram/index.ts";
import { connectedPerson } from "../../test/harness/service.ts";
import { TEST_TOKEN_KEY, type World } from "../../test/harness/world.ts";

/** A Telegram user already linked to the emulated Notion workspace, with a database chosen. */
export interface BenchPerson {
  person: Person;
  user: ScriptedUser;
}

/**
 * Links people `ids` to Notion the way the linking journey leaves them (each with a token of
 * their own, so each has Notion's per-token rate limit to itself). Done before latencies are
 * turned on: setting people up is not what is measured.
 */
export async function connectPeople(db: Database, config: Config, world: World, tg: TelegramEmulator, ids: number[]): Promise<BenchPerson[]> {
  // The service runs in another process; connectedPerson only needs its repositories and Notion settings.
  const service = { repos: createRepositories(db, createTokenCipher([{ id: "primary", key: TEST_TOKEN_KEY }])), config };
  const people: BenchPerson[] = [];
  for (const id of ids) {
    const person = await connectedPerson(service, world, String(id));
    const firstName = `Reader ${id}`;
    // As the linking journey leaves them: they spoke to the bot under their Telegram name before
    // linking Notion, so their first link does not also update a stale name.
    await service.repos.people.ensurePerson({ platform: "TELEGRAM", externalUserId: String(id), chatId: String(id), displayName: firstName });
    people.push({ person, user: tg.user(id, { firstName }) });
  }
  return people;
}

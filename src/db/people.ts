/**
 * The people repository: User and ChatIdentity. A person is one User with a chat account
 * (identity) on Telegram or Discord, and the database new links go to.
 */
import type { Database } from "./client.ts";
import type { ChatPlatform } from "./generated/client.ts";

export type { ChatPlatform } from "./generated/client.ts";

/** The person behind a chat account, as the core works with them. */
export interface Person {
  userId: string;
  identityId: string;
  activeSchemaId: string | null;
  /** The language chosen with /language (`es`, …); null follows the chat app's. */
  chosenLanguage: string | null;
  /** The chat app's language as the platform last reported it. */
  locale: string | null;
}

/** The languages that decide how the bot speaks to someone: chosen with /language, and their chat app's. */
export interface LanguageSettings {
  chosen: string | null;
  locale: string | null;
}

/** A chat account as the platform describes it. */
export interface ChatAccount {
  platform: ChatPlatform;
  externalUserId: string;
  /** The direct-message chat to answer in. */
  chatId: string;
  displayName?: string;
  /** The chat app's language (`es`, `pt-BR`), when the platform says. */
  languageCode?: string;
}

/** A stored chat identity: where to reach the person, and who they are. */
export interface ChatIdentity {
  identityId: string;
  userId: string;
  platform: ChatPlatform;
  dmChatId: string;
  /** How the chat app names the account (`@ada`, or a name when there is no handle), when known. */
  displayName: string | null;
  activeSchemaId: string | null;
  language: LanguageSettings;
}

/** Every read and write of the User and ChatIdentity tables. */
export interface PeopleRepository {
  /** Finds the chat identity, creating User + ChatIdentity on first contact (and keeping the DM chat current). */
  ensurePerson(account: ChatAccount): Promise<Person>;
  /** The identity with this id, or undefined when it is gone. */
  identity(identityId: string): Promise<ChatIdentity | undefined>;
  /** Makes `schemaId` the database the person's new links go to. */
  chooseDatabase(userId: string, schemaId: string): Promise<void>;
  /** Stores the language chosen with /language; null goes back to the chat app's. */
  chooseLanguage(userId: string, language: string | null): Promise<void>;
  /** The language settings behind a job: its person's choice, and the chat app of the identity that sent it. */
  languageOfJob(jobId: string): Promise<LanguageSettings | undefined>;
  /**
   * Deletes the person and everything stored about them (/forget): their chat identities, Notion
   * connection, databases, jobs with their texts and usage records, in one statement (the
   * foreign keys cascade).
   */
  forget(userId: string): Promise<void>;
}

/** The people repository over Postgres or PGlite. */
export function createPeopleRepository(db: Database): PeopleRepository {
  return {
    async ensurePerson(account) {
      const where = { platform_externalUserId: { platform: account.platform, externalUserId: account.externalUserId } };
      // Plain SQL for the lookup every message makes: Prisma's own work per query weighed on a
      // crowd's "Queued" (issue 18). Writes, rare here, stay with Prisma.
      const { rows } = await db.sql.query<{ id: string; userId: string; dmChatId: string; displayName: string | null; locale: string | null; activeSchemaId: string | null; language: string | null }>(
        `SELECT ci.id, ci."userId", ci."dmChatId", ci."displayName", ci.locale, u."activeSchemaId", u.language
         FROM "ChatIdentity" ci JOIN "User" u ON u.id = ci."userId"
         WHERE ci.platform = $1::"ChatPlatform" AND ci."externalUserId" = $2`,
        [account.platform, account.externalUserId],
      );
      const existing = rows[0];
      if (existing) {
        const locale = account.languageCode ?? existing.locale;
        if (existing.dmChatId !== account.chatId || (account.displayName && existing.displayName !== account.displayName) || locale !== existing.locale) {
          await db.prisma.chatIdentity.update({ where: { id: existing.id }, data: { dmChatId: account.chatId, displayName: account.displayName, locale } });
        }
        return { userId: existing.userId, identityId: existing.id, activeSchemaId: existing.activeSchemaId, chosenLanguage: existing.language, locale };
      }
      const identity = await db.prisma.chatIdentity
        .create({
          data: {
            platform: account.platform,
            externalUserId: account.externalUserId,
            dmChatId: account.chatId,
            displayName: account.displayName,
            locale: account.languageCode ?? null,
            user: { create: {} },
          },
          include: { user: true },
        })
        .catch(async (error: unknown) => {
          // Two first messages at once: the other one created it.
          const raced = await db.prisma.chatIdentity.findUnique({ where, include: { user: true } });
          if (!raced) throw error;
          return raced;
        });
      return {
        userId: identity.userId,
        identityId: identity.id,
        activeSchemaId: identity.user.activeSchemaId,
        chosenLanguage: identity.user.language,
        locale: identity.locale,
      };
    },
    async identity(identityId) {
      const row = await db.prisma.chatIdentity.findUnique({ where: { id: identityId }, include: { user: true } });
      if (!row) return undefined;
      return {
        identityId: row.id,
        userId: row.userId,
        platform: row.platform,
        dmChatId: row.dmChatId,
        displayName: row.displayName,
        activeSchemaId: row.user.activeSchemaId,
        language: { chosen: row.user.language, locale: row.locale },
      };
    },
    async chooseDatabase(userId, schemaId) {
      await db.prisma.user.update({ where: { id: userId }, data: { activeSchemaId: schemaId } });
    },
    async chooseLanguage(userId, language) {
      await db.prisma.user.update({ where: { id: userId }, data: { language } });
    },
    async languageOfJob(jobId) {
      const job = await db.prisma.job.findUnique({
        where: { id: jobId },
        select: { user: { select: { language: true } }, identity: { select: { locale: true } } },
      });
      return job ? { chosen: job.user.language, locale: job.identity.locale } : undefined;
    },
    async forget(userId) {
      await db.prisma.user.deleteMany({ where: { id: userId } });
    },
  };
}

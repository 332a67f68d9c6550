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
}

/** A chat account as the platform describes it. */
export interface ChatAccount {
  platform: ChatPlatform;
  externalUserId: string;
  /** The direct-message chat to answer in. */
  chatId: string;
  displayName?: string;
}

/** A stored chat identity: where to reach the person, and who they are. */
export interface ChatIdentity {
  identityId: string;
  userId: string;
  platform: ChatPlatform;
  dmChatId: string;
  activeSchemaId: string | null;
}

/** Every read and write of the User and ChatIdentity tables. */
export interface PeopleRepository {
  /** Finds the chat identity, creating User + ChatIdentity on first contact (and keeping the DM chat current). */
  ensurePerson(account: ChatAccount): Promise<Person>;
  /** The identity with this id, or undefined when it is gone. */
  identity(identityId: string): Promise<ChatIdentity | undefined>;
  /** Makes `schemaId` the database the person's new links go to. */
  chooseDatabase(userId: string, schemaId: string): Promise<void>;
}

/** The people repository over Postgres or PGlite. */
export function createPeopleRepository(db: Database): PeopleRepository {
  return {
    async ensurePerson(account) {
      const where = { platform_externalUserId: { platform: account.platform, externalUserId: account.externalUserId } };
      const existing = await db.prisma.chatIdentity.findUnique({ where, include: { user: true } });
      if (existing) {
        if (existing.dmChatId !== account.chatId || (account.displayName && existing.displayName !== account.displayName)) {
          await db.prisma.chatIdentity.update({ where: { id: existing.id }, data: { dmChatId: account.chatId, displayName: account.displayName } });
        }
        return { userId: existing.userId, identityId: existing.id, activeSchemaId: existing.user.activeSchemaId };
      }
      const identity = await db.prisma.chatIdentity
        .create({
          data: {
            platform: account.platform,
            externalUserId: account.externalUserId,
            dmChatId: account.chatId,
            displayName: account.displayName,
            user: { create: {} },
          },
        })
        .catch(async (error: unknown) => {
          // Two first messages at once: the other one created it.
          const raced = await db.prisma.chatIdentity.findUnique({ where });
          if (!raced) throw error;
          return raced;
        });
      return { userId: identity.userId, identityId: identity.id, activeSchemaId: null };
    },
    async identity(identityId) {
      const row = await db.prisma.chatIdentity.findUnique({ where: { id: identityId }, include: { user: true } });
      if (!row) return undefined;
      return { identityId: row.id, userId: row.userId, platform: row.platform, dmChatId: row.dmChatId, activeSchemaId: row.user.activeSchemaId };
    },
    async chooseDatabase(userId, schemaId) {
      await db.prisma.user.update({ where: { id: userId }, data: { activeSchemaId: schemaId } });
    },
  };
}

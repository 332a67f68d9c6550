import type { Database } from "../db/client.ts";
import type { ChatSender } from "./adapter.ts";

/** The person behind a chat account, as the core works with them. */
export interface Person {
  userId: string;
  identityId: string;
  activeSchemaId: string | null;
}

/** Finds the chat identity, creating User + ChatIdentity on first contact (and keeping the DM chat current). */
export async function ensurePerson(db: Database, sender: ChatSender): Promise<Person> {
  const where = { platform_externalUserId: { platform: sender.platform, externalUserId: sender.externalUserId } };
  const existing = await db.prisma.chatIdentity.findUnique({ where, include: { user: true } });
  if (existing) {
    if (existing.dmChatId !== sender.chatId || (sender.displayName && existing.displayName !== sender.displayName)) {
      await db.prisma.chatIdentity.update({ where: { id: existing.id }, data: { dmChatId: sender.chatId, displayName: sender.displayName } });
    }
    return { userId: existing.userId, identityId: existing.id, activeSchemaId: existing.user.activeSchemaId };
  }
  const identity = await db.prisma.chatIdentity
    .create({
      data: {
        platform: sender.platform,
        externalUserId: sender.externalUserId,
        dmChatId: sender.chatId,
        displayName: sender.displayName,
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
}

import { releaseWaitingJobs, markConnectedJobsWaitingForSchema } from "../jobs/intake.ts";
import type { ChatDeps, AdapterRegistry } from "./context.ts";
import { chooseDatabase, databaseButtons, databasesOf } from "./databases.ts";
import type { LinkNotifier } from "./notifier.ts";
import { texts } from "./texts.ts";

/**
 * Tells a person in their chat that Notion is connected, and starts the links they sent
 * before connecting: at once when there is one database (or a current one), else after they choose.
 */
export function createLinkNotifier(deps: ChatDeps, adapters: AdapterRegistry): LinkNotifier {
  return {
    async notifyConnected(identityId, info) {
      const identity = await deps.db.prisma.chatIdentity.findUniqueOrThrow({ where: { id: identityId }, include: { user: true } });
      const adapter = adapters.get(identity.platform);
      const databases = await databasesOf(deps.db, identity.userId);
      let current = databases.find((d) => d.id === identity.user.activeSchemaId);
      if (!current && databases.length === 1) {
        current = databases[0]!;
        await chooseDatabase(deps.db, identity.userId, current.id);
      }
      const text =
        databases.length === 1 ? texts.connectedOne(info.workspaceName, databases[0]!.title) : texts.connected(info.workspaceName, databases.map((d) => d.title));
      if (current) {
        const started = await releaseWaitingJobs(deps.db, identity.userId, current.id);
        await adapter?.send(identity.dmChatId, { text: started.length > 0 ? `${text}\n${texts.databaseChosenAndStarted(current.title, started.length)}` : text });
        if (started.length > 0) deps.wakeWorker();
        return;
      }
      const waiting = await markConnectedJobsWaitingForSchema(deps.db, identity.userId);
      const buttons = databases.length > 0 ? databaseButtons(databases, waiting.length > 0 ? "use" : "tag") : undefined;
      if (!adapter) {
        deps.log.warn({ platform: identity.platform }, "connected, but this process runs no adapter for the person's chat");
        return;
      }
      await adapter.send(identity.dmChatId, { text: waiting.length > 0 ? `${text}\n${texts.chooseForWaiting(waiting.length)}` : text, buttons });
    },
  };
}

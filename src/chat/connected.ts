import type { OutgoingMessage } from "./adapter.ts";
import type { ChatDeps, AdapterRegistry } from "./context.ts";
import { databaseButtons } from "./databases.ts";
import type { LinkNotifier } from "./notifier.ts";
import { texts } from "./texts.ts";

/**
 * Tells a person in their chat that Notion is connected, and starts the links they sent
 * before connecting: at once when there is one database (or a current one), else after they choose.
 */
export function createLinkNotifier(deps: ChatDeps, adapters: AdapterRegistry): LinkNotifier {
  return {
    async notifyConnected(identityId, info) {
      const identity = await deps.repos.people.identity(identityId);
      if (!identity) throw new Error(`no chat identity ${identityId}`);
      const databases = await deps.repos.schemas.list(identity.userId);
      let current = databases.find((d) => d.id === identity.activeSchemaId);
      if (!current && databases.length === 1) {
        current = databases[0]!;
        await deps.repos.people.chooseDatabase(identity.userId, current.id);
      }
      const text =
        databases.length === 1 ? texts.connectedOne(info.workspaceName, databases[0]!.title) : texts.connected(info.workspaceName, databases.map((d) => d.title));
      let message: OutgoingMessage;
      let started = 0;
      if (current) {
        started = (await deps.repos.jobs.releaseWaiting(identity.userId, current.id)).length;
        message = { text: started > 0 ? `${text}\n${texts.databaseChosenAndStarted(current.title, started)}` : text };
      } else {
        const waiting = (await deps.repos.jobs.markConnectedWaitingForSchema(identity.userId)).length;
        const buttons = databases.length > 0 ? databaseButtons(databases, waiting > 0 ? "use" : "tag") : undefined;
        message = { text: waiting > 0 ? `${text}\n${texts.chooseForWaiting(waiting)}` : text, buttons };
      }
      const adapter = adapters.get(identity.platform);
      if (adapter) await adapter.send(identity.dmChatId, message);
      else deps.log.warn({ platform: identity.platform }, "connected, but this process runs no adapter for the person's chat");
      // After the message, so "Starting your link now" comes before the link's own progress.
      if (started > 0) deps.wakeWorker();
    },
  };
}

import type { ChatPlatform, OutgoingMessage } from "./adapter.ts";
import type { ChatDeps, AdapterRegistry } from "./context.ts";
import { databaseButtons } from "./databases.ts";
import type { LinkNotifier } from "./notifier.ts";
import { speakingLanguage, translator } from "../i18n/index.ts";

/**
 * Tells a person in their chat that Notion is connected, and starts the links they sent
 * before connecting: at once when there is one database (or a current one), else after they
 * choose. While Notion's search still lags after consent, it says the bot keeps looking.
 */
export function createLinkNotifier(deps: ChatDeps, adapters: AdapterRegistry): LinkNotifier {
  async function identityOf(identityId: string) {
    const identity = await deps.repos.people.identity(identityId);
    if (!identity) throw new Error(`no chat identity ${identityId}`);
    return { identity, t: translator(speakingLanguage(identity.language.chosen, identity.language.locale)) };
  }
  async function sendTo(identity: { platform: ChatPlatform; dmChatId: string }, message: OutgoingMessage): Promise<void> {
    const adapter = adapters.get(identity.platform);
    if (adapter) await adapter.send(identity.dmChatId, message);
    else deps.log.warn({ platform: identity.platform }, "connected, but this process runs no adapter for the person's chat");
  }
  return {
    async notifyStillLooking(identityId, info) {
      const { identity, t } = await identityOf(identityId);
      await sendTo(identity, { text: t("connectedStillLooking", { workspace: info.workspaceName }) });
    },
    async notifyConnected(identityId, info) {
      const { identity, t } = await identityOf(identityId);
      const databases = await deps.repos.schemas.list(identity.userId);
      const workspace = info.workspaceName;
      let current = databases.find((d) => d.id === identity.activeSchemaId);
      if (!current && databases.length === 1) {
        current = databases[0]!;
        await deps.repos.people.chooseDatabase(identity.userId, current.id);
      }
      const text =
        databases.length === 0
          ? t("connectedNoDatabases", { workspace })
          : databases.length === 1
            ? t("connectedOne", { workspace, database: databases[0]!.title })
            : t("connected", { workspace, count: databases.length, databases: databases.map((d) => d.title) });
      let message: OutgoingMessage;
      let started = 0;
      if (current) {
        started = (await deps.repos.jobs.releaseWaiting(identity.userId, current.id)).length;
        message = { text: started > 0 ? `${text}\n${t("databaseChosenAndStarted", { database: current.title, count: started })}` : text };
      } else {
        const waiting = (await deps.repos.jobs.markConnectedWaitingForSchema(identity.userId)).length;
        const buttons = databases.length > 0 ? databaseButtons(databases, waiting > 0 ? "use" : "tag") : undefined;
        message = { text: waiting > 0 ? `${text}\n${t("chooseForWaiting", { count: waiting })}` : text, buttons };
      }
      await sendTo(identity, message);
      // After the message, so "Starting your link now" comes before the link's own progress.
      if (started > 0) deps.wakeWorker();
    },
  };
}

import type { Reply } from "./adapter.ts";
import { revokeConnectLink } from "./connect-link.ts";
import type { ChatDeps } from "./context.ts";
import type { Person } from "./person.ts";

/** `/forget`: says what would be deleted and asks first; the button does the work. */
export async function forgetCommand(person: Person, reply: Reply): Promise<void> {
  const { t } = person;
  await reply(
    { text: t("forgetConfirm"), buttons: [[{ text: t("forgetButton"), data: "forget:yes" }, { text: t("forgetCancelButton"), data: "forget:no" }]] },
    { personal: true },
  );
}

/**
 * The confirmed `/forget`: the Notion token revoked at Notion, then the person and everything
 * stored about them deleted (identities, connection, databases, jobs and their texts) with their
 * open connect link; the pages in Notion stay. A revocation Notion does not confirm is logged,
 * and the person is told to remove the connection in Notion; the deletion happens either way.
 */
export async function confirmForget(deps: ChatDeps, person: Person, reply: Reply): Promise<void> {
  const revoked = await deps.revokeNotion(person.userId);
  await deps.repos.people.forget(person.userId);
  await revokeConnectLink(deps.state, person.identityId);
  deps.log.info({ userId: person.userId }, "a person asked to be forgotten; their rows are deleted");
  await reply({ text: person.t(revoked ? "forgotten" : "forgottenNotRevoked") }, { personal: true });
}

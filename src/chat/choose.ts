import type { Reply } from "./adapter.ts";
import type { ChatDeps, DatabaseChoice } from "./context.ts";
import type { Person } from "./person.ts";

/** Makes `database` the current one and starts the person's links that were waiting for a choice. */
export async function chooseAndStart(deps: ChatDeps, person: Person, database: DatabaseChoice, reply: Reply): Promise<void> {
  await deps.repos.people.chooseDatabase(person.userId, database.id);
  const started = await deps.repos.jobs.releaseWaiting(person.userId, database.id);
  // Say so first, so "Starting your link now" comes before the link's own progress.
  const { t } = person;
  await reply({
    text: started.length > 0 ? t("databaseChosenAndStarted", { database: database.title, count: started.length }) : t("databaseChosen", { database: database.title }),
  });
  if (started.length > 0) deps.wakeWorker();
}

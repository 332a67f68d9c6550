/**
 * The buttons the core puts under its messages, declared once each: the data on a button is
 * `<action>:<value>`, and a press runs the action whose value shape matches. Anything else
 * (data the core never made) is ignored.
 */
import { languageOf } from "../i18n/index.ts";
import type { Person } from "./person.ts";
import type { Reply } from "./adapter.ts";
import { chooseAndStart } from "./choose.ts";
import { confirmDisconnect, confirmLanguage } from "./commands.ts";
import type { ChatDeps } from "./context.ts";
import { confirmForget } from "./forget.ts";
import { takeAllowance } from "../jobs/intake.ts";
import { checkpointsOf } from "../jobs/types.ts";

/** What a button's handler is called with. */
export interface ButtonPress {
  deps: ChatDeps;
  person: Person;
  /** The part after `<action>:`, already checked against the action's `value`. */
  value: string;
  reply: Reply;
}

/** One kind of button. */
export interface ButtonAction {
  /** The part of the data before the first ":". */
  action: string;
  /** The only values acted on. */
  value: RegExp;
  run(press: ButtonPress): Promise<void>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A database button (`tag:` under /tag, `use:` for links waiting for a choice): choose it and start what waits. */
async function chooseByButton({ deps, person, value, reply }: ButtonPress): Promise<void> {
  const database = (await deps.repos.schemas.list(person.userId)).find((d) => d.id === value);
  if (!database) return void (await reply({ text: person.t("noDatabases") }));
  await chooseAndStart(deps, person, database, reply);
}

/** "Move to …" under a page whose database was picked: a new page there, the first one to the trash. */
async function moveByButton({ deps, person, value, reply }: ButtonPress): Promise<void> {
  const [jobId, index] = value.split(":") as [string, string];
  const job = await deps.repos.jobs.find(jobId);
  const target = job && job.userId === person.userId ? checkpointsOf(job).picked?.others[Number(index)] : undefined;
  const database = target ? (await deps.repos.schemas.list(person.userId)).find((d) => d.id === target) : undefined;
  const moved = database ? await deps.repos.jobs.moveDone(person.userId, jobId, database.id) : undefined;
  if (!database || !moved) return void (await reply({ text: person.t("cannotMove") }));
  deps.wakeWorker();
  await reply({ text: person.t("moving", { database: database.title }) });
}

/** Every button, declared once; the core dispatches presses from this list. */
export const BUTTONS: readonly ButtonAction[] = [
  { action: "tag", value: UUID, run: chooseByButton },
  { action: "use", value: UUID, run: chooseByButton },
  {
    action: "retry",
    value: UUID,
    async run({ deps, person, value, reply }) {
      // A retry costs what a new link costs, or "Try again" would bypass the hourly limit.
      const allowance = await takeAllowance(deps, person.userId);
      if (!allowance.ok) return void (await reply({ text: person.t("rateLimited", { count: allowance.retryInMinutes }) }));
      const job = await deps.repos.jobs.retryFailed(person.userId, value);
      if (!job) return void (await reply({ text: person.t("cannotRetry") }));
      deps.wakeWorker();
      await reply({ text: person.t("retrying") });
    },
  },
  {
    action: "move",
    value: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:\d{1,2}$/,
    run: moveByButton,
  },
  {
    action: "disconnect",
    value: /^(?:yes|no)$/,
    async run({ deps, person, value, reply }) {
      if (value === "yes") return confirmDisconnect(deps, person, reply);
      await reply({ text: person.t("disconnectKept") }, { personal: true });
    },
  },
  {
    action: "forget",
    value: /^(?:yes|no)$/,
    async run({ deps, person, value, reply }) {
      if (value === "yes") return confirmForget(deps, person, reply);
      await reply({ text: person.t("forgetKept") }, { personal: true });
    },
  },
  {
    action: "language",
    value: /^(?:auto|[a-z]{2})$/,
    async run({ deps, person, value, reply }) {
      const choice = value === "auto" ? "auto" : languageOf(value);
      if (choice) await confirmLanguage(deps, person, choice, reply);
    },
  },
];

/** The action and value of a button's data, when the core made a button like it. */
export function findButton(data: string): { button: ButtonAction; value: string } | undefined {
  const colon = data.indexOf(":");
  if (colon < 0) return undefined;
  const action = data.slice(0, colon);
  const value = data.slice(colon + 1);
  const button = BUTTONS.find((b) => b.action === action);
  return button && button.value.test(value) ? { button, value } : undefined;
}

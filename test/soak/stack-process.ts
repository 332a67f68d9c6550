// A process that starts the soak's own Postgres and Redis the way the soak does, for
// cleanup.test.ts: `wait` waits to be stopped by a signal, `failing-start` has a third start fail.
import { startOwnPostgres } from "../../scripts/soak/postgres.ts";
import { startOwnRedis } from "../../scripts/soak/redis.ts";
import { allStarted, cleanUpOnSignals, createCleanup, started } from "../../scripts/soak/cleanup.ts";

const say = (line: string) => process.stdout.write(`${line}\n`);
const cleanup = createCleanup(say);
cleanUpOnSignals(cleanup, say);
const announced = <T extends { url: string }>(thing: Promise<T>) => thing.then((t) => (say(`started ${t.url}`), t));
try {
  await allStarted(
    started(cleanup, announced(startOwnPostgres()), (pg) => pg.stop()),
    started(cleanup, announced(startOwnRedis()), (redis) => redis.stop()),
    process.argv[2] === "failing-start" ? Promise.reject(new Error("the emulators did not start")) : Promise.resolve(),
  );
  say("up");
  await new Promise(() => undefined);
} finally {
  await cleanup.run();
}

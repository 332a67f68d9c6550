import { execFile, type ExecFileOptions } from "node:child_process";
import { chown, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { freePort } from "../demo/free-port.ts";

const run = promisify(execFile);

/** A PostgreSQL server of the soak's own, in a temporary folder on a free port. */
export interface OwnPostgres {
  url: string;
  /** Stops the server (fast: open connections are cut) and starts it again on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function binDir(): Promise<string> {
  const versions = (await readdir("/usr/lib/postgresql")).sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new Error("PostgreSQL is not installed: apt-get install postgresql");
  return `/usr/lib/postgresql/${versions[0]}/bin`;
}

/** PostgreSQL refuses to run as root; then it runs as the system's postgres user. */
async function postgresIds(): Promise<{ uid: number; gid: number } | undefined> {
  if (userInfo().uid !== 0) return undefined;
  const { stdout } = await run("id", ["-u", "postgres"]);
  const { stdout: group } = await run("id", ["-g", "postgres"]);
  return { uid: Number(stdout.trim()), gid: Number(group.trim()) };
}

/** initdb into a temporary folder and start the server on a free port (trust auth, no fsync). */
export async function startOwnPostgres(): Promise<OwnPostgres> {
  const bin = await binDir();
  const dir = await mkdtemp(path.join(tmpdir(), "reelnotes-soak-pg-"));
  const ids = await postgresIds();
  if (ids) await chown(dir, ids.uid, ids.gid);
  const as: ExecFileOptions = ids ? { uid: ids.uid, gid: ids.gid, cwd: dir } : { cwd: dir };
  const data = path.join(dir, "data");
  await run(`${bin}/initdb`, ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"], as);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300`;
  const pgCtl = (...args: string[]) => run(`${bin}/pg_ctl`, ["-D", data, "-w", "-t", "120", ...args], as);
  await pgCtl("start", "-l", path.join(dir, "log"), "-o", options);
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    restart: async () => {
      await pgCtl("restart", "-m", "fast", "-l", path.join(dir, "log"), "-o", options);
    },
    stop: async () => {
      await pgCtl("stop", "-m", "immediate").catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

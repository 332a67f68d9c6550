// `node scripts/container-check.ts [--keep]`: performs the Dockerfile's build and start steps
// without a Docker engine. Each stage is built into its own folder standing for its file system:
// COPY honours .dockerignore, npm/node RUN steps run for real (`npm ci --omit=dev` included),
// apt/pip/root steps are skipped and the tools they install checked on this machine instead.
// Then the image's CMD starts with the image's ENV (as an unprivileged user when run as root),
// /health and /ready must answer 200, the HEALTHCHECK command must pass, and SIGTERM must end it
// with exit 0. Exit status 0 when all of that held.
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildStage, type BuiltStage } from "./container-check/build.ts";
import { contextFiles } from "./container-check/dockerignore.ts";
import { readDockerfile } from "./container-check/dockerfile.ts";
import {
  checkNoDevDependencies,
  checkTools,
  containerEnv,
  exited,
  spawnInContainer,
  waitFor200,
  writableFolder,
} from "./container-check/start.ts";
import { freePort } from "./demo/free-port.ts";

const CONTEXT = fileURLToPath(new URL("..", import.meta.url));
const STOP_TIMEOUT_MS = 20_000;
const log = (line: string) => process.stdout.write(`${line}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** What a RUN step sees: PATH and HOME, plus the machine's extra CA bundle when it has one (a registry behind a TLS-inspecting proxy). */
function buildEnv(work: string): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? work };
  if (process.env.NODE_EXTRA_CA_CERTS) env.NODE_EXTRA_CA_CERTS = process.env.NODE_EXTRA_CA_CERTS;
  return env;
}

async function build(work: string): Promise<BuiltStage> {
  const stages = await readDockerfile(path.join(CONTEXT, "Dockerfile"));
  const context = { dir: CONTEXT, files: await contextFiles(CONTEXT) };
  log(`Build context: ${context.files.size} files after .dockerignore`);
  const built = new Map<string, BuiltStage>();
  for (const stage of stages) {
    const started = Date.now();
    log(`FROM ${stage.image} AS ${stage.name}`);
    const root = path.join(work, "stages", stage.name);
    built.set(stage.name, await buildStage(stage, root, context, built, buildEnv(work), log));
    log(`  stage ${stage.name} done in ${seconds(Date.now() - started)}`);
  }
  return [...built.values()].at(-1)!;
}

async function startAndStop(image: BuiltStage, work: string): Promise<void> {
  if (!image.cmd) throw new Error("The last stage has no CMD");
  if (!image.healthcheck) throw new Error("The last stage has no HEALTHCHECK");
  const port = await freePort();
  const home = path.join(work, "home");
  await writableFolder(home, image);
  const env = await containerEnv(image, { PORT: String(port), HOME: home });
  if (env.DATA_DIR) await writableFolder(env.DATA_DIR, image);
  log(`Starting: ${[...image.entrypoint, ...image.cmd].join(" ")} (PORT=${port}, DATA_DIR=${env.DATA_DIR}, user ${process.getuid?.() === 0 && image.user ? "nobody" : "current"})`);
  const started = Date.now();
  const service = spawnInContainer(image, image.cmd, env, image.entrypoint);
  const output: string[] = [];
  for (const stream of [service.stdout!, service.stderr!]) stream.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  try {
    await waitFor200(`http://127.0.0.1:${port}/health`, service, 90_000);
    log(`  /health 200 after ${seconds(Date.now() - started)}`);
    await waitFor200(`http://127.0.0.1:${port}/ready`, service, 30_000);
    log(`  /ready 200 after ${seconds(Date.now() - started)}`);
    const probe = spawnInContainer(image, image.healthcheck, env);
    const probeCode = await exited(probe);
    if (probeCode !== 0) throw new Error(`the HEALTHCHECK command exited ${probeCode}`);
    log("  HEALTHCHECK command: exit 0");
    const stopping = Date.now();
    service.kill("SIGTERM");
    const timer = setTimeout(() => service.kill("SIGKILL"), STOP_TIMEOUT_MS);
    const code = await exited(service);
    clearTimeout(timer);
    if (code !== 0) throw new Error(`after SIGTERM the service exited with ${code}, not 0`);
    log(`  SIGTERM: exit 0 after ${seconds(Date.now() - stopping)}`);
  } catch (error) {
    log(`Service output:\n${output.join("").trimEnd().replace(/^/gm, "  | ")}`);
    throw error;
  } finally {
    if (service.exitCode === null && service.signalCode === null) service.kill("SIGKILL");
  }
}

const started = Date.now();
const work = await mkdtemp(path.join(tmpdir(), "reelnotes-container-"));
// mkdtemp makes a private folder; the image's code must be readable by its unprivileged user.
await chmod(work, 0o755);
let ok = false;
try {
  const image = await build(work);
  log("Tools the skipped steps install, found here instead:");
  await checkTools(image, log);
  log(`No dev-only packages in node_modules (${await checkNoDevDependencies(image)} checked)`);
  await startAndStop(image, work);
  ok = true;
} catch (error) {
  log(`FAILED: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  if (process.argv.includes("--keep")) log(`Kept ${work}`);
  else await rm(work, { recursive: true, force: true });
}
log(`container check ${ok ? "passed" : "failed"} in ${seconds(Date.now() - started)}`);
process.exit(ok ? 0 : 1);

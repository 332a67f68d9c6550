import { execFile, spawn } from "node:child_process";
import { copyFile, mkdir, stat } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import type { Instruction, Stage } from "./dockerfile.ts";

const run = promisify(execFile);

/** A stage built into a folder that stands for its file system root. */
export interface BuiltStage {
  name: string;
  root: string;
  workdir: string;
  /** ENV as the image sets it (values as written, PATH included). */
  env: Record<string, string>;
  user: string | undefined;
  healthcheck: string[] | undefined;
  /** What runs CMD (an init process), empty when the image sets none. */
  entrypoint: string[];
  cmd: string[] | undefined;
  /** RUN steps left out because they need apt, pip or root; their tools are checked instead. */
  skipped: string[];
}

/** A RUN step runs here when it is only npm and node commands: the npm registry is the one reachable. */
export function runsHere(command: string): boolean {
  return command.split("&&").every((part) => /^(npm|node)\s/.test(part.trim()));
}

/** Where an image path lies inside a stage's folder; relative paths start at the WORKDIR. */
function inStage(root: string, workdir: string, imagePath: string): string {
  return path.join(root, path.posix.isAbsolute(imagePath) ? imagePath : path.posix.join(workdir, imagePath));
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(() => true, () => false);
}

async function copyFromContext(context: string, files: Set<string>, source: string, target: string, multiple: boolean): Promise<void> {
  const clean = path.posix.normalize(source).replace(/^\.\/|\/$/g, "");
  if (files.has(clean)) {
    const into = multiple || target.endsWith("/") ? path.join(target, path.posix.basename(clean)) : target;
    await mkdir(path.dirname(into), { recursive: true });
    await copyFile(path.join(context, clean), into);
    return;
  }
  const inside = [...files].filter((f) => f.startsWith(`${clean}/`));
  if (inside.length === 0) throw new Error(`COPY ${source}: not in the build context (missing, or excluded by .dockerignore)`);
  for (const file of inside) {
    const into = path.join(target, file.slice(clean.length + 1));
    await mkdir(path.dirname(into), { recursive: true });
    await copyFile(path.join(context, file), into);
  }
}

async function copyFromStage(stage: BuiltStage, source: string, target: string, log: (line: string) => void): Promise<void> {
  const from = inStage(stage.root, stage.workdir, source);
  if (!(await exists(from))) {
    if (stage.skipped.length === 0) throw new Error(`COPY --from=${stage.name} ${source}: the stage did not make it`);
    log(`  (skipped: ${source} comes from a RUN step of stage ${stage.name} that needs the internet)`);
    return;
  }
  await mkdir(path.dirname(target), { recursive: true });
  // Hard links: the build stage's files are only read from here on, and node_modules is large.
  await run("cp", ["-al", from, target]);
}

function runStep(command: string, cwd: string, env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("sh", ["-c", command], { cwd, env, stdio: ["ignore", "inherit", "inherit"] });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`RUN ${command}: exit ${code}`))));
  });
}

/** Expands `$NAME` and `${NAME}` the way ENV does, from earlier variables then `fallback`. */
function expand(value: string, env: Record<string, string>, fallback: Record<string, string | undefined>): string {
  return value.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, name: string) => env[name] ?? fallback[name] ?? "");
}

/**
 * Performs `stage` in `root`: WORKDIR and COPY make folders and files, ENV is recorded, RUN
 * steps of npm/node run for real (in the WORKDIR, with the stage's ENV over `hostEnv`), the
 * others are listed as skipped.
 */
export async function buildStage(
  stage: Stage,
  root: string,
  context: { dir: string; files: Set<string> },
  built: Map<string, BuiltStage>,
  hostEnv: Record<string, string>,
  log: (line: string) => void,
): Promise<BuiltStage> {
  const result: BuiltStage = { name: stage.name, root, workdir: "/", env: {}, user: undefined, healthcheck: undefined, entrypoint: [], cmd: undefined, skipped: [] };
  await mkdir(root, { recursive: true });
  for (const step of stage.instructions as Instruction[]) {
    switch (step.kind) {
      case "WORKDIR":
        result.workdir = path.posix.resolve(result.workdir, step.path);
        await mkdir(inStage(root, "/", result.workdir), { recursive: true });
        break;
      case "ENV":
        for (const [name, value] of step.vars) result.env[name] = expand(value, result.env, { PATH: "$PATH" });
        break;
      case "COPY": {
        const target = inStage(root, result.workdir, step.dest);
        for (const source of step.sources) {
          if (step.from === undefined) await copyFromContext(context.dir, context.files, source, target, step.sources.length > 1);
          else {
            const from = built.get(step.from);
            if (!from) throw new Error(`COPY --from=${step.from}: no such stage before ${stage.name}`);
            await copyFromStage(from, source, target, log);
          }
        }
        log(`  COPY ${step.from ? `--from=${step.from} ` : ""}${step.sources.join(" ")} ${step.dest}`);
        break;
      }
      case "RUN":
        if (runsHere(step.command)) {
          log(`  RUN ${step.command}`);
          const { PATH: _imagePath, ...env } = result.env;
          await runStep(step.command, inStage(root, "/", result.workdir), { ...hostEnv, ...env });
        } else {
          result.skipped.push(step.command);
          log(`  skipped RUN ${step.command.slice(0, 100)}${step.command.length > 100 ? "…" : ""}`);
        }
        break;
      case "USER":
        result.user = step.user;
        break;
      case "HEALTHCHECK":
        result.healthcheck = step.command;
        break;
      case "ENTRYPOINT":
        result.entrypoint = step.command;
        break;
      case "CMD":
        result.cmd = step.command;
        break;
      case "EXPOSE":
        break;
    }
  }
  return result;
}

import { readFile } from "node:fs/promises";

/**
 * The part of the Dockerfile syntax this project's Dockerfile uses: stages, WORKDIR, ENV,
 * COPY (from the context or another stage), RUN, USER, EXPOSE, HEALTHCHECK, ENTRYPOINT and CMD in exec
 * form. Anything else is refused, so the check never silently skips an instruction.
 */

/** One instruction, continuation lines joined. */
export type Instruction =
  | { kind: "WORKDIR"; path: string }
  | { kind: "ENV"; vars: [string, string][] }
  | { kind: "COPY"; from: string | undefined; sources: string[]; dest: string }
  | { kind: "RUN"; command: string }
  | { kind: "USER"; user: string }
  | { kind: "EXPOSE"; port: string }
  | { kind: "HEALTHCHECK"; command: string[] }
  | { kind: "ENTRYPOINT"; command: string[] }
  | { kind: "CMD"; command: string[] };

/** A build stage: `FROM image AS name` and its instructions. */
export interface Stage {
  name: string;
  image: string;
  instructions: Instruction[];
}

function logicalLines(text: string): string[] {
  const lines: string[] = [];
  let current = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("#")) continue;
    if (line.endsWith("\\")) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    current += line;
    if (current.trim()) lines.push(current.trim());
    current = "";
  }
  return lines;
}

function execForm(text: string, instruction: string): string[] {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed) || !parsed.every((part) => typeof part === "string")) {
    throw new Error(`${instruction} must be in exec form (a JSON array of strings): ${text}`);
  }
  return parsed;
}

function parseEnv(rest: string): [string, string][] {
  const vars = [...rest.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g)].map(
    ([, name, value]) => [name!, value!.startsWith('"') ? (JSON.parse(value!) as string) : value!] as [string, string],
  );
  if (vars.length === 0) throw new Error(`ENV must use NAME=value: ENV ${rest}`);
  return vars;
}

function parseInstruction(keyword: string, rest: string): Instruction {
  switch (keyword) {
    case "WORKDIR":
      return { kind: "WORKDIR", path: rest };
    case "ENV":
      return { kind: "ENV", vars: parseEnv(rest) };
    case "COPY": {
      const words = rest.split(/\s+/);
      const flags = words.filter((w) => w.startsWith("--"));
      const paths = words.filter((w) => !w.startsWith("--"));
      const unknown = flags.filter((f) => !/^--(from|chown|chmod)=/.test(f));
      if (unknown.length > 0 || paths.length < 2) throw new Error(`Unsupported COPY: COPY ${rest}`);
      const from = flags.find((f) => f.startsWith("--from="))?.slice("--from=".length);
      return { kind: "COPY", from, sources: paths.slice(0, -1), dest: paths.at(-1)! };
    }
    case "RUN":
      return { kind: "RUN", command: rest };
    case "USER":
      return { kind: "USER", user: rest };
    case "EXPOSE":
      return { kind: "EXPOSE", port: rest };
    case "HEALTHCHECK": {
      const command = /\bCMD\s+(\[.*\])$/.exec(rest)?.[1];
      if (!command) throw new Error(`HEALTHCHECK must be CMD in exec form: ${rest}`);
      return { kind: "HEALTHCHECK", command: execForm(command, "HEALTHCHECK") };
    }
    case "ENTRYPOINT":
      return { kind: "ENTRYPOINT", command: execForm(rest, "ENTRYPOINT") };
    case "CMD":
      return { kind: "CMD", command: execForm(rest, "CMD") };
    default:
      throw new Error(`The container check does not know the ${keyword} instruction`);
  }
}

/** Reads `file` into its stages, in order. */
export async function readDockerfile(file: string): Promise<Stage[]> {
  const stages: Stage[] = [];
  for (const line of logicalLines(await readFile(file, "utf8"))) {
    const [, keyword, rest] = /^(\S+)\s+(.*)$/.exec(line) ?? [];
    if (!keyword || rest === undefined) throw new Error(`Cannot read Dockerfile line: ${line}`);
    const upper = keyword.toUpperCase();
    if (upper === "FROM") {
      const [image, as, name] = rest.split(/\s+/);
      stages.push({ name: as?.toUpperCase() === "AS" && name ? name : String(stages.length), image: image!, instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`${upper} before FROM`);
    stage.instructions.push(parseInstruction(upper, rest));
  }
  return stages;
}

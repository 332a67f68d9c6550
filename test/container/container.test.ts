import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { contextFiles } from "../../scripts/container-check/dockerignore.ts";
import { readDockerfile, type Instruction } from "../../scripts/container-check/dockerfile.ts";
import { runsHere } from "../../scripts/container-check/build.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

function runCheck(): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["scripts/container-check.ts"], { cwd: ROOT, timeout: 150_000, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` }),
    );
  });
}

const last = <K extends Instruction["kind"]>(steps: Instruction[], kind: K) => steps.filter((s): s is Extract<Instruction, { kind: K }> => s.kind === kind).at(-1);

describe("the container image", () => {
  it("runs as a non-root user, checks /health, and starts the service with node under tini so SIGTERM reaches it and children are reaped", async () => {
    const stages = await readDockerfile(`${ROOT}/Dockerfile`);
    const runtime = stages.at(-1)!;
    expect(runtime.image).toMatch(/^node:24-bookworm-slim/);
    expect(last(runtime.instructions, "USER")?.user).toBe("reelnotes");
    expect(last(runtime.instructions, "HEALTHCHECK")?.command.join(" ")).toContain("/health");
    expect(last(runtime.instructions, "CMD")?.command).toEqual(["node", "src/main.ts"]);
    expect(last(runtime.instructions, "ENTRYPOINT")?.command).toEqual(["/usr/bin/tini", "--"]);
    const runs = stages.flatMap((s) => s.instructions.filter((i) => i.kind === "RUN").map((i) => (i as { command: string }).command));
    expect(runs.filter(runsHere)).toEqual(["npm ci --omit=dev --ignore-scripts && node scripts/prisma-generate.mjs"]);
    expect(runs.some((r) => /pip install .*yt-dlp/.test(r))).toBe(true);
    expect(runs.some((r) => /apt-get install .*ffmpeg/.test(r))).toBe(true);
    expect(runs.some((r) => /apt-get install .*\btini\b/.test(r))).toBe(true);
  });

  it("sends a build context without node_modules, local data, tests or secrets, but with the code and migrations", async () => {
    const files = [...(await contextFiles(ROOT))];
    expect(files).toContain("package-lock.json");
    expect(files).toContain("src/main.ts");
    expect(files.some((f) => f.startsWith("prisma/migrations/") && f.endsWith("/migration.sql"))).toBe(true);
    expect(files.filter((f) => /^(node_modules|data|tmp|test|\.git|src\/db\/generated)\//.test(f))).toEqual([]);
    expect(files.filter((f) => f === ".env" || f.endsWith(".log"))).toEqual([]);
  });

  it("builds in a clean folder without devDependencies, answers /health and /ready, passes its HEALTHCHECK and stops with exit 0 on SIGTERM", async () => {
    const { code, output } = await runCheck();
    expect(output).toContain("No dev-only packages in node_modules");
    expect(output).toMatch(/\/health 200 after/);
    expect(output).toMatch(/\/ready 200 after/);
    expect(output).toContain("HEALTHCHECK command: exit 0");
    expect(output).toContain("Starting: /usr/bin/tini -- node src/main.ts");
    expect(output).toContain("SIGTERM: exit 0");
    expect(code, output).toBe(0);
  }, 160_000);
});

import type { Person } from "../../src/db/people.ts";
import { acceptLinks } from "../../src/jobs/intake.ts";
import type { Job } from "../../src/jobs/types.ts";
import { parseVideoLinks } from "../../src/links.ts";
import { makeCaptionedClip, type CaptionedClipOptions } from "../fixtures/media.ts";
import { startServiceProcess, type ServiceProcess } from "./processes.ts";
import { openFreshDatabase } from "./postgres.ts";
import { connectedPerson, startTestService, waitUntil, type TestService } from "./service.ts";
import { startWorld, type World } from "./world.ts";

/**
 * What the crash tests share: the emulated world with their clips, a fresh database, an
 * observer service that seeds and reads it but takes no jobs, one connected person, and worker
 * processes of the real service (a 3 s lease, the observer's DATA_DIR, as one install's
 * processes share it) that a test kills and restarts.
 */
export interface CrashWorld {
  world: World;
  /** The fresh database's URL, for a test's own connection (a row lock). */
  databaseUrl: string;
  observer: TestService;
  person: Person;
  /** A worker process with the shared settings and `extra`; killed with SIGKILL at the end if still running. */
  startWorker(extra?: Record<string, string>): Promise<ServiceProcess>;
  /**
   * Queues the post `clip` for the person, as a shared link would, into their chosen database
   * (or, with `pickDatabase`, into one the pipeline picks from their several); returns the job's id.
   */
  queue(clip: string, options?: { pickDatabase?: boolean }): Promise<string>;
  /** The job once DONE or FAILED. */
  finished(jobId: string): Promise<Job>;
  /** Paid answers the emulators gave so far: transcriptions, Vision requests, Gemini calls. */
  paid(): { openai: number; vision: number; gemini: number };
  stop(): Promise<void>;
}

/** Starts a crash world with `clips` made (3 s captioned clips unless a clip says otherwise). */
export async function startCrashWorld(options: { transcript: string; clips: CaptionedClipOptions[]; logLevel: "info" | "warn"; workspaceFile?: string }): Promise<CrashWorld> {
  const world = await startWorld({ transcript: options.transcript, ...(options.workspaceFile ? { workspaceFile: options.workspaceFile } : {}) });
  const processes: ServiceProcess[] = [];
  let database: Awaited<ReturnType<typeof openFreshDatabase>> | undefined;
  let observer: TestService | undefined;
  const stop = async () => {
    for (const p of processes) await p.kill("SIGKILL");
    await observer?.stop();
    await database?.cleanup();
    await world.stop();
  };
  try {
    await Promise.all(options.clips.map((clip) => makeCaptionedClip(world.mediaDir, { seconds: 3, ...clip })));
    database = await openFreshDatabase();
    observer = await startTestService(world, database.url, { WORKER_ENABLED: "false" });
    const person = await connectedPerson(observer, world);
    const seen = observer;
    const env = { ...world.env, DATABASE_URL: database.url, JOB_LEASE_SECONDS: "3", LOG_LEVEL: options.logLevel, DATA_DIR: seen.dataDir };
    return {
      world,
      databaseUrl: database.url,
      observer: seen,
      person,
      async startWorker(extra = {}) {
        const started = await startServiceProcess({ ...env, ...extra });
        processes.push(started);
        return started;
      },
      async queue(clip, { pickDatabase = false } = {}) {
        const url = world.videoHost.postUrl(clip);
        const links = parseVideoLinks(url, { extraAllowedHosts: [world.videoHost.host] });
        const [outcome] = await acceptLinks(
          { jobs: seen.repos.jobs, state: seen.state, maxLinksPerHour: 100 },
          { userId: person.userId, identityId: person.identityId, sourceText: url, links, schemaId: pickDatabase ? null : person.activeSchemaId, status: "QUEUED", pickDatabase },
        );
        if (outcome?.kind !== "queued") throw new Error(`${clip} was not queued`);
        return outcome.job.id;
      },
      finished: (jobId) =>
        waitUntil(
          async () => {
            const job = await seen.repos.jobs.find(jobId);
            return job && (job.status === "DONE" || job.status === "FAILED") ? job : undefined;
          },
          300_000,
          "the job to finish",
        ),
      paid: () => ({
        openai: world.openai.uploads.length,
        vision: world.vision.requests.filter((r) => r.path.includes("images:annotate") && r.status === 200).length,
        gemini: world.gemini.calls.length,
      }),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

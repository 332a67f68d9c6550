import { readdir } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acceptLinks } from "../../src/jobs/intake.ts";
import { checkpointsOf } from "../../src/jobs/types.ts";
import { parseVideoLinks } from "../../src/links.ts";
import { makeCaptionedClip } from "../fixtures/media.ts";
import { connectedPerson, recordingAdapter, startTestService, waitUntil, type TestService } from "../harness/service.ts";
import { startWorld, type World } from "../harness/world.ts";
import { openFreshDatabase } from "../harness/postgres.ts";
import type { Person } from "../../src/db/people.ts";
import type { AcceptOutcome } from "../../src/jobs/intake.ts";

function jobOf(outcome: AcceptOutcome) {
  if (outcome.kind === "rate_limited") throw new Error("unexpected rate limit");
  return outcome.job;
}

describe("the pipeline, end to end on the emulators", () => {
  let world: World;
  let database: Awaited<ReturnType<typeof openFreshDatabase>>;
  let service: TestService;
  let person: Person;
  const chat = recordingAdapter();

  beforeAll(async () => {
    world = await startWorld({
      transcript: "Today we make garlic noodles. It takes 15 minutes and serves 2 people. Boil the noodles, fry the garlic, toss and serve.",
    });
    await Promise.all([
      makeCaptionedClip(world.mediaDir, {
        name: "noodles",
        seconds: 6,
        captions: ["Garlic noodles", "Fry the garlic"],
        speech: "Today we make garlic noodles.",
        post: { title: "Garlic noodles in 15 minutes", caption: "Quick dinner #noodles #recipe", uploader: "chef" },
      }),
      makeCaptionedClip(world.mediaDir, { name: "pancakes", seconds: 4, captions: ["Pancakes"], speech: "Pancakes." }),
      makeCaptionedClip(world.mediaDir, { name: "soup", seconds: 3, captions: ["Tomato soup"], speech: "Tomato soup." }),
      makeCaptionedClip(world.mediaDir, { name: "toast", seconds: 3, captions: ["French toast"], speech: "French toast." }),
    ]);
    database = await openFreshDatabase();
    service = await startTestService(world, database.url, { JOBS_PER_USER_IN_FLIGHT: "4" });
    service.chat.registerAdapter(chat);
    person = await connectedPerson(service, world);
  });

  afterAll(async () => {
    await service?.stop();
    await database?.cleanup();
    await world?.stop();
  });

  async function submit(url: string) {
    const links = parseVideoLinks(url, { extraAllowedHosts: [world.videoHost.host] });
    const [outcome] = await acceptLinks(
      { jobs: service.repos.jobs, state: service.state, maxLinksPerHour: 30 },
      { userId: person.userId, identityId: person.identityId, sourceText: url, links, schemaId: person.activeSchemaId, status: "QUEUED" },
    );
    const sent = await chat.send("1001", { text: "Queued" });
    await service.repos.jobs.addProgressMessage(jobOf(outcome!).id, { platform: "TELEGRAM", chatId: sent.chatId, messageId: sent.messageId });
    service.worker!.wake();
    return { outcome: outcome!, messageId: sent.messageId };
  }

  it("turns a shared link into a Notion page with the source link, transcript and on-screen text", async () => {
    const { outcome, messageId } = await submit(world.videoHost.postUrl("noodles"));
    expect(outcome.kind).toBe("queued");
    const job = await waitUntil(async () => {
      const j = await service.repos.jobs.find(jobOf(outcome).id);
      return j && ["DONE", "FAILED"].includes(j.status) ? j : undefined;
    }, 90_000, "the job to finish");
    expect(job.errorMessage).toBeNull();
    expect(job.status).toBe("DONE");
    expect(job.notionPageUrl).toMatch(/^https?:\/\//);

    const page = world.notion.pages.find((p) => p.id === job.notionPageId);
    expect(page).toBeDefined();
    expect(JSON.stringify(page!.properties)).toContain(job.canonicalUrl);
    const body = world.notion.blocksOf(page!.id);
    const text = JSON.stringify(body);
    expect(text).toContain("garlic noodles");
    expect(text.toLowerCase()).toContain("fry the garlic");
    // Pictures that last: the cover and the key frames are files uploaded to Notion, attached.
    const images = body.filter((b) => b.type === "image");
    expect(images.length).toBeGreaterThanOrEqual(2);
    const uploadIds = images.map((b) => (b.content.file_upload as { id: string }).id);
    expect(page!.cover).toEqual({ type: "file_upload", file_upload: { id: uploadIds[0] } });
    const uploads = world.notion.fileUploads.filter((u) => uploadIds.includes(u.id));
    expect(uploads.map((u) => [u.status, u.contentType, u.expiresAt])).toEqual(uploadIds.map(() => ["uploaded", "image/jpeg", null]));

    const checkpoints = checkpointsOf(job);
    expect(checkpoints.download?.title).toBe("Garlic noodles in 15 minutes");
    expect(checkpoints.transcribe?.text).toContain("15 minutes");
    expect(checkpoints.ocr?.lines.join(" ").toLowerCase()).toContain("noodles");
    expect(checkpoints.summarize?.title).toBeTruthy();
    expect(Object.keys(checkpoints.timings ?? {})).toEqual(
      expect.arrayContaining(["download", "extract", "transcribe", "ocr", "summarize", "publish", "notify"]),
    );

    const message = chat.messages.find((m) => m.messageId === messageId)!;
    const last = message.history.at(-1)!;
    expect(last.text).toMatch(/^Saved to .+: .+/);
    expect(last.buttons?.[0]?.[0]).toMatchObject({ url: job.notionPageUrl });
  });

  it("leaves no work folder behind once a job is done", async () => {
    expect(await readdir(`${service.config.dataDir}/work`)).toEqual([]);
  });

  it("answers the same link for the same database with the page already made", async () => {
    const url = world.videoHost.postUrl("noodles");
    const links = parseVideoLinks(url, { extraAllowedHosts: [world.videoHost.host] });
    const before = world.notion.pages.length;
    const [again] = await acceptLinks(
      { jobs: service.repos.jobs, state: service.state, maxLinksPerHour: 30 },
      { userId: person.userId, identityId: person.identityId, sourceText: url, links, schemaId: person.activeSchemaId, status: "QUEUED" },
    );
    expect(again!.kind).toBe("already_saved");
    expect(world.notion.pages.length).toBe(before);
  });

  it("gives one job for the same link sent twice while the first is running", async () => {
    const url = world.videoHost.postUrl("pancakes");
    const first = await submit(url);
    const second = await submit(url);
    expect(second.outcome.kind).toBe("in_progress");
    expect(jobOf(second.outcome).id).toBe(jobOf(first.outcome).id);
    await waitUntil(async () => {
      const j = await service.repos.jobs.find(jobOf(first.outcome).id);
      return j?.status === "DONE" ? j : undefined;
    }, 90_000, "the pancakes job");
    // Both messages that asked for it end with the page link.
    for (const { messageId } of [first, second]) {
      const message = chat.messages.find((m) => m.messageId === messageId)!;
      expect(message.history.at(-1)!.text).toMatch(/^Saved to/);
    }
    expect(world.notion.pages.filter((p) => JSON.stringify(p.properties).includes("pancakes") || JSON.stringify(p.properties).includes(jobOf(first.outcome).canonicalUrl))).toHaveLength(1);
  });

  it("keeps the audio for a transcription retried after the picture uploads have finished", async () => {
    const transcription = (req: { path: string }) => req.path.includes("/audio/transcriptions");
    const hold = world.openai.hold(transcription);
    world.openai.failNext({ kind: "503" }, transcription);
    const { outcome } = await submit(world.videoHost.postUrl("toast"));
    const id = jobOf(outcome).id;
    await hold.arrived;
    // The uploads are done and saved while the transcription is still out; then it fails once and is retried.
    await waitUntil(async () => checkpointsOf((await service.repos.jobs.find(id))!).pictures, 90_000, "the pictures to be saved");
    hold.release();
    const job = await waitUntil(async () => {
      const j = await service.repos.jobs.find(id);
      return j && ["DONE", "FAILED"].includes(j.status) ? j : undefined;
    }, 90_000, "the toast job");
    expect(job.errorMessage).toBeNull();
    expect(checkpointsOf(job).transcribe?.text).toContain("garlic noodles");
    expect(world.openai.requests.filter((r) => transcription(r) && r.status === 503)).not.toEqual([]);
  });

  it("shows the finished jobs' stage durations, queue and external calls at /metrics", async () => {
    const text = await (await fetch(`http://127.0.0.1:${service.port}/metrics`)).text();
    for (const stage of ["download", "extract", "transcribe", "ocr", "summarize", "publish", "notify"]) {
      expect(text).toMatch(new RegExp(`reelnotes_stage_duration_seconds_count\\{stage="${stage}"\\} [1-9]`));
    }
    expect(text).toMatch(/reelnotes_jobs\{status="DONE"\} [1-9]/);
    expect(text).toMatch(/reelnotes_queue_depth \d/);
    expect(text).toMatch(/reelnotes_external_requests_total\{provider="notion",status="200"\} [1-9]/);
    expect(text).toMatch(/reelnotes_external_requests_total\{provider="openai",status="200"\} [1-9]/);
    expect(text).toMatch(/reelnotes_external_requests_total\{provider="gemini",status="200"\} [1-9]/);
    expect(text).toContain("process_resident_memory_bytes");
  });

  it("re-reads the database and still saves the page when a property was removed since the last sync", async () => {
    const stored = await service.db.prisma.notionSchema.findFirstOrThrow({ where: { id: person.activeSchemaId! } });
    const source = world.notion.workspace.dataSources.find((d) => d.id === stored.dataSourceId)!;
    expect(Object.keys(stored.properties as object)).toContain("Notes");
    delete source.properties["Notes"];

    const { outcome } = await submit(world.videoHost.postUrl("soup"));
    const job = await waitUntil(async () => {
      const j = await service.repos.jobs.find(jobOf(outcome).id);
      return j && ["DONE", "FAILED"].includes(j.status) ? j : undefined;
    }, 90_000, "the soup job");
    expect(job.errorMessage).toBeNull();
    expect(job.status).toBe("DONE");
    const refreshed = await service.db.prisma.notionSchema.findFirstOrThrow({ where: { id: person.activeSchemaId! } });
    expect(Object.keys(refreshed.properties as object)).not.toContain("Notes");
    const refused = world.notion.requests.filter((r) => r.method === "POST" && r.path === "/v1/pages" && r.status === 400);
    expect(refused.length).toBeGreaterThanOrEqual(1);
  });
});

import { mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createAnswerSpool, type AnswerSpool } from "../../src/jobs/answer-spool.ts";
import { createLogger } from "../../src/log.ts";

const JOB = "5f0c1d2e-0000-4000-8000-000000000001";
const chunk = { startSeconds: 30, durationSeconds: 10, text: "Rest the dough.", segments: [{ start: 30, end: 32, text: "Rest the dough." }] };

/** The spool on a real folder: what one process keeps, another finds; anything else is ignored. */
describe("the answer spool", () => {
  let root: string;
  let spool: AnswerSpool;

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), "reelnotes-spool-"));
    spool = createAnswerSpool(root, createLogger({ logLevel: "silent", logPretty: false }));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it("finds what another spool over the same folder kept, by job, kind and key", async () => {
    spool.keep(JOB, "chunk", "1", chunk);
    const successor = createAnswerSpool(root, createLogger({ logLevel: "silent", logPretty: false }));
    expect(await successor.find(JOB, "chunk", "1")).toEqual(chunk);
    expect(await successor.find(JOB, "chunk", "0")).toBeUndefined();
    expect(await successor.find(JOB, "ocr", "")).toBeUndefined();
    expect(await successor.find("another-job", "chunk", "1")).toBeUndefined();
  });

  it("leaves no temporary file behind a kept answer", async () => {
    spool.keep(JOB, "ocr", "", { text: "Bread", lines: ["Bread"], images: 2, requests: 1 });
    expect(await readdir(path.join(root, JOB))).toEqual(["ocr.json"]);
  });

  it("ignores a torn file, another job's file and an answer of the wrong shape", async () => {
    spool.keep(JOB, "chunk", "0", chunk);
    const folder = path.join(root, JOB);
    await writeFile(path.join(folder, "chunk-1.json"), JSON.stringify({ jobId: JOB, kind: "chunk", key: "1", answer: chunk }).slice(0, 40));
    await writeFile(path.join(folder, "chunk-2.json"), JSON.stringify({ jobId: "someone-else", kind: "chunk", key: "2", answer: chunk }));
    await writeFile(path.join(folder, "summary-db.json"), JSON.stringify({ jobId: JOB, kind: "summary", key: "db", answer: { title: 3 } }));
    expect(await spool.find(JOB, "chunk", "0")).toEqual(chunk);
    expect(await spool.find(JOB, "chunk", "1")).toBeUndefined();
    expect(await spool.find(JOB, "chunk", "2")).toBeUndefined();
    expect(await spool.find(JOB, "summary", "db")).toBeUndefined();
  });

  it("forgets a job's answers, and sweeps only the folders untouched for longer than asked", async () => {
    spool.keep(JOB, "chunk", "0", chunk);
    spool.keep("old-job", "chunk", "0", chunk);
    await spool.forget(JOB);
    expect(await spool.find(JOB, "chunk", "0")).toBeUndefined();
    spool.keep("fresh-job", "chunk", "0", chunk);
    const dayAgo = new Date(Date.now() - 25 * 3600_000);
    await utimes(path.join(root, "old-job"), dayAgo, dayAgo);
    expect(await spool.sweep()).toBe(1);
    expect(await readdir(root)).toEqual(["fresh-job"]);
  });

  it("keeps a job id from naming a folder outside the spool", async () => {
    spool.keep("../../escape", "chunk", "0", chunk);
    expect(await readdir(root)).toHaveLength(1);
    expect(await spool.find("../../escape", "chunk", "0")).toEqual(chunk);
  });
});

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client, LogLevel } from "@notionhq/client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { UserFacingError } from "../../src/errors.ts";
import { NOTION_VERSION } from "../../src/notion/client.ts";
import { attachablePictures, uploadPictures } from "../../src/notion/pictures.ts";
import { UPLOAD_LIMITS, type NotionEmulator } from "../emulators/notion/index.ts";
import { makeSlideshow } from "../fixtures/media.ts";
import { emulatorWithApi, quietLog } from "./setup.ts";

/** Notion's File Upload API as the emulator serves it, driven through @notionhq/client and our client. */

const running: NotionEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
});

let dir: string;
let slides: string[];
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "reelnotes-uploads-"));
  slides = (await makeSlideshow(dir, { name: "card", count: 2, audio: false })).imagePaths;
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function start(options: Parameters<typeof emulatorWithApi>[1] = {}) {
  const clock = { now: Date.parse("2026-05-01T10:00:00Z") };
  const setup = await emulatorWithApi("recipes", { now: () => clock.now, ...options });
  running.push(setup.emulator);
  const token = setup.emulator.grantToken();
  const sdk = new Client({ auth: token, baseUrl: setup.emulator.url, notionVersion: NOTION_VERSION, retry: false, logLevel: LogLevel.ERROR });
  const dataSourceId = setup.emulator.workspace.dataSources[0]!.id;
  return { ...setup, clock, token, sdk, dataSourceId };
}

const title = { Name: { title: [{ text: { content: "Pictures" } }] } };
const image = (id: string) => ({ object: "block" as const, type: "image" as const, image: { type: "file_upload" as const, file_upload: { id } } });

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "none";
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

describe("file uploads in the emulator", () => {
  it("goes pending -> uploaded -> attached: cover and image block, the expiry cleared", async () => {
    const { api, token, sdk, emulator, dataSourceId } = await start();
    const created = await sdk.fileUploads.create({ mode: "single_part", filename: "card.jpg", content_type: "image/jpeg" });
    expect(created).toMatchObject({ status: "pending", expiry_time: "2026-05-01T11:00:00.000Z" });

    const pictures = await uploadPictures(api, token, slides, quietLog);
    expect(pictures.uploads).toHaveLength(2);
    expect(emulator.fileUploads.filter((u) => u.status === "uploaded").map((u) => u.contentType)).toEqual(["image/jpeg", "image/jpeg"]);

    const [first, second] = pictures.uploads.map((u) => u.id) as [string, string];
    const page = await api.createPage(token, { dataSourceId, properties: title, children: [image(first), image(second)], coverFileUploadId: first });
    const stored = emulator.pages.find((p) => p.id === page.id)!;
    expect(stored.cover).toEqual({ type: "file_upload", file_upload: { id: first } });
    expect(emulator.blocksOf(page.id).map((b) => b.content)).toEqual([
      { type: "file_upload", file_upload: { id: first } },
      { type: "file_upload", file_upload: { id: second } },
    ]);
    const read = (await sdk.pages.retrieve({ page_id: page.id })) as { cover: { type: string; file: { url: string } } };
    expect(read.cover.type).toBe("file");
    expect(read.cover.file.url).toContain(first);
    expect(emulator.fileUploads.find((u) => u.id === first)).toMatchObject({ status: "uploaded", expiresAt: null, attachments: 2 });
    expect(await sdk.fileUploads.retrieve({ file_upload_id: second })).toMatchObject({ status: "uploaded", expiry_time: null });
  });

  it("expires an unattached upload after an hour; it can no longer be attached or sent to", async () => {
    const { api, token, sdk, clock, emulator, dataSourceId } = await start();
    const { uploads } = await uploadPictures(api, token, slides.slice(0, 1), quietLog);
    const pending = await sdk.fileUploads.create({ filename: "late.jpg", content_type: "image/jpeg" });
    expect(attachablePictures({ uploads }, clock.now)).toEqual([uploads[0]!.id]);
    clock.now += UPLOAD_LIMITS.lifetimeMs;
    expect(attachablePictures({ uploads }, clock.now)).toEqual([]);
    expect(await sdk.fileUploads.retrieve({ file_upload_id: uploads[0]!.id })).toMatchObject({ status: "expired" });
    const attach = api.createPage(token, { dataSourceId, properties: title, children: [], coverFileUploadId: uploads[0]!.id });
    await expect(attach).rejects.toBeInstanceOf(UserFacingError);
    const send = sdk.fileUploads.send({ file_upload_id: pending.id, file: { filename: "late.jpg", data: new Blob([Buffer.from("x")], { type: "image/jpeg" }) } });
    expect(await codeOf(send)).toBe("validation_error");
    expect(emulator.pages).toHaveLength(0);
  });

  it("refuses to attach an upload that was created but never sent", async () => {
    const { sdk, emulator, dataSourceId } = await start();
    const pending = await sdk.fileUploads.create({ filename: "card.jpg", content_type: "image/jpeg" });
    const create = sdk.pages.create({ parent: { data_source_id: dataSourceId }, properties: title, children: [image(pending.id)] });
    expect(await codeOf(create)).toBe("validation_error");
    expect(emulator.pages).toHaveLength(0);
  });

  it("refuses content types Notion does not take, at create and at send", async () => {
    const { sdk } = await start();
    expect(await codeOf(sdk.fileUploads.create({ filename: "run.exe", content_type: "application/x-msdownload" }))).toBe("validation_error");
    const open = await sdk.fileUploads.create({ filename: "notes" });
    const send = sdk.fileUploads.send({ file_upload_id: open.id, file: { filename: "notes", data: new Blob([Buffer.from("MZ")], { type: "application/x-msdownload" }) } });
    expect(await codeOf(send)).toBe("validation_error");
  });

  it("refuses a single-part send over 20 MB, and a file over the workspace's per-file limit", async () => {
    const { api, token } = await start({ maxFileBytes: 100 * 1024 * 1024 });
    const big = { filename: "big.png", contentType: "image/png", data: new Uint8Array(UPLOAD_LIMITS.singlePartBytes + 1) };
    await expect(api.uploadFile(token, big)).rejects.toMatchObject({ kind: "notion_validation" });
    const free = await start();
    const sixMiB = { filename: "six.png", contentType: "image/png", data: new Uint8Array(6 * 1024 * 1024) };
    await expect(free.api.uploadFile(free.token, sixMiB)).rejects.toMatchObject({ kind: "notion_validation" });
  });

  it("leaves out a picture Notion refuses and keeps the others", async () => {
    const { api, token } = await start();
    const odd = path.join(dir, "odd.bmp");
    await writeFile(odd, "BM");
    const pictures = await uploadPictures(api, token, [slides[0]!, odd, slides[1]!], quietLog);
    expect(pictures.uploads).toHaveLength(2);
  });
});

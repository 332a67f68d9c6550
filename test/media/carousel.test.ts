import { readdir } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserFacingError } from "../../src/errors.ts";
import { firstFrameOfEachItem } from "../../src/media/index.ts";
import { audioOfPost, framesOfPost } from "../../src/media/items.ts";
import type { DownloadedMedia } from "../../src/media/types.ts";
import { makeCarousel } from "../fixtures/media.ts";
import { type MediaBench, openMediaBench } from "./setup.ts";

/** Instagram carousels: a playlist of pictures and videos, taken item by item in post order. */

let bench: MediaBench;

beforeAll(async () => {
  bench = await openMediaBench();
  await makeCarousel(bench.fixtures, {
    name: "cards",
    items: [{ picture: "Boil water" }, { picture: "Add pasta" }, { video: { seconds: 3, captions: ["Stir well"], speech: "Stir the pasta well." } }, { picture: "Serve hot" }],
    post: { title: "Pasta in four cards", caption: "Weeknight pasta #dinner" },
  });
  await makeCarousel(bench.fixtures, { name: "long-item", items: [{ picture: "Intro" }, { video: { seconds: 8, captions: ["Long"] } }] });
}, 120_000);
afterAll(async () => bench?.close());

describe("a carousel post", () => {
  it("downloads every item in post order, each in its own folder, and reads its frames and speech item by item", async () => {
    const tools = bench.tools();
    const dir = await tools.createWorkDir("job-carousel");
    try {
      const media = await tools.download(bench.host.postUrl("cards"), dir);
      expect(media.metadata).toMatchObject({ title: "Pasta in four cards", caption: "Weeknight pasta #dinner", hashtags: ["dinner"], isSlideshow: false });
      expect(media.items!.map((item) => (item.videoPath ? "video" : "picture"))).toEqual(["picture", "picture", "video", "picture"]);
      expect(media.items!.map((item) => path.basename(item.workDir))).toEqual(["item-01", "item-02", "item-03", "item-04"]);
      expect(media.items![2]!.metadata.durationSeconds).toBeCloseTo(3, 0);

      const frames = await tools.extractFrames(media);
      expect(frames.map((f) => f.item)).toEqual([0, 1, ...frames.filter((f) => f.item === 2).map(() => 2), 3]);
      expect(firstFrameOfEachItem(frames).map((f) => f.item)).toEqual([0, 1, 2, 3]);
      const chunks = await tools.extractAudio(media);
      expect(chunks.length).toBeGreaterThan(0);
      expect(chunks.every((c) => c.path.startsWith(media.items![2]!.workDir))).toBe(true);
      // Nothing of yt-dlp's numbered files is left loose in the job's folder.
      expect((await readdir(dir)).filter((f) => /^(media|slide)/.test(f))).toEqual([]);
    } finally {
      await tools.removeWorkDir(dir);
    }
  });

  it("holds every item to the length limit on its own", async () => {
    const tools = bench.tools({ maxVideoSeconds: 5 });
    const dir = await tools.createWorkDir("job-carousel-long");
    try {
      const error = await tools.download(bench.host.postUrl("long-item"), dir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UserFacingError);
      expect(error).toMatchObject({ kind: "video_too_long" });
    } finally {
      await tools.removeWorkDir(dir);
    }
  });
});

describe("items of a post, through the one-item extraction", () => {
  const item = (name: string, video: boolean, seconds?: number): DownloadedMedia => ({
    workDir: `/w/${name}`,
    ...(video ? { videoPath: `/w/${name}/media.mp4` } : {}),
    imagePaths: video ? [] : [path.join(import.meta.dirname, "../fixtures/workspaces", name)],
    metadata: { hashtags: [], webpageUrl: "", isSlideshow: !video, durationSeconds: seconds },
  });

  it("times each video's speech after the videos before it", async () => {
    const post: DownloadedMedia = { workDir: "/w", imagePaths: [], metadata: { hashtags: [], webpageUrl: "", isSlideshow: false }, items: [item("a", true, 10), item("b", true, 4)] };
    const chunks = await audioOfPost(post, async (one) => [{ path: `${one.workDir}/audio.mp3`, startSeconds: 0, durationSeconds: one.metadata.durationSeconds! }]);
    expect(chunks.map((c) => [c.path, c.startSeconds])).toEqual([["/w/a/audio.mp3", 0], ["/w/b/audio.mp3", 10]]);
  });

  it("reads a picture the post shows twice once", async () => {
    const post: DownloadedMedia = {
      workDir: "/w",
      imagePaths: [],
      metadata: { hashtags: [], webpageUrl: "", isSlideshow: false },
      items: [item("recipes.json", false), item("workouts.json", false), item("recipes.json", false)],
    };
    const read: string[] = [];
    const frames = await framesOfPost(post, async (one) => (read.push(one.imagePaths[0]!), [{ path: one.imagePaths[0]!, timeSeconds: 0 }]));
    expect(frames.map((f) => f.item)).toEqual([0, 1]);
    expect(read.map((p) => path.basename(p))).toEqual(["recipes.json", "workouts.json"]);
  });
});

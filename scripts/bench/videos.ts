import { makeCaptionedClip, makeSilentClip, makeSlideshow, type MediaFixture, type PostInfo } from "../../test/fixtures/media.ts";
import type { VideoHost } from "../../test/emulators/video-host.ts";

/** One post of the benchmark, as served by the local video host. */
export interface BenchVideo {
  name: string;
  /** What the table calls it. */
  label: string;
  kind: PostInfo["kind"];
  /** Length of the video (0 for a slideshow: it has pictures, not video minutes). */
  videoSeconds: number;
  url: string;
}

const RECIPE_SENTENCES = [
  "Today I am making a quick tomato pasta for two people.",
  "Bring a big pot of salted water to the boil and add the pasta.",
  "While it cooks, warm olive oil in a pan and fry two cloves of garlic.",
  "Add a tin of chopped tomatoes, a pinch of salt and some chili flakes.",
  "Let the sauce simmer for ten minutes and stir it now and then.",
  "Drain the pasta, keep a cup of the water, and toss everything together.",
  "Finish with basil and parmesan, and serve it warm.",
];

/** About `seconds` of spoken recipe (espeak-ng reads roughly 2.5 words a second). */
function speechFor(seconds: number): string {
  const words = Math.round(seconds * 2.3);
  const out: string[] = [];
  for (let i = 0; out.join(" ").split(" ").length < words; i += 1) out.push(RECIPE_SENTENCES[i % RECIPE_SENTENCES.length]!);
  return out.join(" ");
}

/** On-screen captions changing every `every` seconds. */
function captionsFor(seconds: number, every: number): string[] {
  return Array.from({ length: Math.max(1, Math.round(seconds / every)) }, (_, i) => `Step ${i + 1}: ${["boil", "stir", "season", "taste", "serve"][i % 5]} the sauce`);
}

function clip(dir: string, name: string, seconds: number, every: number, size = { width: 540, height: 960 }): Promise<MediaFixture> {
  return makeCaptionedClip(dir, { name, seconds, captions: captionsFor(seconds, every), speech: speechFor(seconds), post: { title: `Tomato pasta (${seconds} s)` }, ...size });
}

function toBench(host: VideoHost, fixture: MediaFixture, label: string, videoSeconds: number): BenchVideo {
  return { name: fixture.post.name, label, kind: fixture.post.kind, videoSeconds, url: host.postUrl(fixture.post.name) };
}

/**
 * Makes the benchmark's posts in `dir` (two at a time: the machine has two cores): 15 s, 60 s
 * and 3 min clips with speech and captions changing every few seconds, a 20 s clip without
 * sound, and a ten-picture slideshow. Clips are 540x960 except the 3 min one, 360x640, which
 * halves the time spent making and decoding it. `smoke` makes one 6 s clip instead.
 */
export async function makeBenchVideos(dir: string, host: VideoHost, smoke: boolean): Promise<BenchVideo[]> {
  if (smoke) return [toBench(host, await clip(dir, "smoke-6s", 6, 3), "6 s clip, speech", 6)];
  const [[long, slides], [short, medium, silent]] = await Promise.all([
    (async () => [await clip(dir, "clip-180s", 180, 10, { width: 360, height: 640 }), await makeSlideshow(dir, { name: "slideshow-10", count: 10 })])(),
    (async () => [
      await clip(dir, "clip-15s", 15, 4),
      await clip(dir, "clip-60s", 60, 6),
      await makeSilentClip(dir, { name: "silent-20s", seconds: 20, captions: captionsFor(20, 5) }),
    ])(),
  ]);
  return [
    toBench(host, short!, "15 s clip, speech", 15),
    toBench(host, medium!, "60 s clip, speech", 60),
    toBench(host, long!, "3 min clip, speech", 180),
    toBench(host, silent!, "20 s clip, no speech", 20),
    toBench(host, slides!, "slideshow, 10 pictures", 0),
  ];
}

import { makeCaptionedClip, makeSlideshow } from "../../test/fixtures/media.ts";
import type { VideoHost } from "../../test/emulators/video-host.ts";

/** One post people share during the soak. */
export interface SoakClip {
  url: string;
  seconds: number;
}

const SENTENCES = ["Chop two onions and fry them slowly.", "Add rice and stir for a minute.", "Pour in the stock a ladle at a time.", "Finish with butter and cheese."];

/**
 * Makes `short` clips of 3 s and `long` clips of `longSeconds` (small, 270x480, so the soak's load is
 * the service's and not the decoder's), two at a time, and `carousels` photo posts of five pictures.
 */
export async function makeSoakClips(dir: string, host: VideoHost, counts: { short: number; long: number; longSeconds: number; carousels: number }): Promise<SoakClip[]> {
  const specs = [
    ...Array.from({ length: counts.short }, (_, i) => ({ name: `soak-short-${i}`, seconds: 3 })),
    ...Array.from({ length: counts.long }, (_, i) => ({ name: `soak-long-${i}`, seconds: counts.longSeconds })),
  ];
  const clips: SoakClip[] = [];
  const make = async (spec: { name: string; seconds: number }) => {
    const speech = Array.from({ length: Math.ceil(spec.seconds / 3) }, (_, i) => SENTENCES[i % SENTENCES.length]).join(" ");
    const captions = Array.from({ length: Math.max(1, Math.round(spec.seconds / 8)) }, (_, i) => `${spec.name} step ${i + 1}`);
    await makeCaptionedClip(dir, { name: spec.name, seconds: spec.seconds, captions, speech, width: 270, height: 480, post: { title: `Risotto ${spec.name}` } });
    clips.push({ url: host.postUrl(spec.name), seconds: spec.seconds });
  };
  for (let i = 0; i < specs.length; i += 2) await Promise.all(specs.slice(i, i + 2).map(make));
  for (let i = 0; i < counts.carousels; i += 1) {
    const post = await makeSlideshow(dir, { name: `soak-carousel-${i}`, count: 5 });
    clips.push({ url: host.postUrl(post.post.name), seconds: 0 });
  }
  return clips;
}

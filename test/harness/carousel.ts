import { expect } from "vitest";
import { makeCarousel } from "../fixtures/media.ts";
import type { World } from "./world.ts";

/**
 * The carousel of the journeys: three recipe cards and one clip, in the order a person swipes
 * them, and what its page must show.
 */

/** The cards' texts, in post order (the clip is third). */
export const CARD_TEXTS = ["Boil water", "Add pasta", "Serve hot"] as const;

/** Puts the carousel "cards" on the world's video host; returns its link. */
export async function shareableCarousel(world: World): Promise<string> {
  await makeCarousel(world.mediaDir, {
    name: "cards",
    items: [{ picture: CARD_TEXTS[0] }, { picture: CARD_TEXTS[1] }, { video: { seconds: 3, captions: ["Stir well"], speech: "Stir the pasta well." } }, { picture: CARD_TEXTS[2] }],
    post: { title: "Pasta in four cards", caption: "Weeknight pasta #dinner" },
  });
  return world.videoHost.postUrl("cards");
}

/** Width and height of a baseline or progressive JPEG, from its frame header. */
function jpegSize(data: Buffer): { width: number; height: number } {
  for (let i = 2; i + 9 < data.length; ) {
    if (data[i] !== 0xff) throw new Error("not a JPEG marker");
    const marker = data[i + 1]!;
    if (marker === 0xc0 || marker === 0xc2) return { height: data.readUInt16BE(i + 5), width: data.readUInt16BE(i + 7) };
    i += 2 + data.readUInt16BE(i + 2);
  }
  throw new Error("no JPEG frame header");
}

/**
 * The page of the carousel: four pictures as Notion file uploads in post order (the cards are
 * portrait 4:5, the clip's frame 9:16), the first one the cover; the summary was asked with every
 * card's text in post order, and the clip's speech is on the page.
 */
export function expectCarouselPage(world: World, pageId: string): void {
  const page = world.notion.pages.find((p) => p.id === pageId)!;
  const images = world.notion.blocksOf(page.id).filter((b) => b.type === "image");
  const uploadIds = images.map((b) => (b.content.file_upload as { id: string } | undefined)?.id);
  expect(uploadIds).toHaveLength(4);
  expect(page.cover).toEqual({ type: "file_upload", file_upload: { id: uploadIds[0] } });
  const shapes = uploadIds.map((id) => {
    const { width, height } = jpegSize(world.notion.fileUploads.find((u) => u.id === id)!.data!);
    return Math.abs(width / height - 0.8) < 0.02 ? "card" : Math.abs(width / height - 9 / 16) < 0.02 ? "clip" : `${width}x${height}`;
  });
  expect(shapes).toEqual(["card", "card", "clip", "card"]);
  // The clip's speech was transcribed, once.
  expect(world.openai.requests.filter((r) => r.path === "/v1/audio/transcriptions" && r.status === 200)).toHaveLength(1);
  // Every item was read for text, in post order: the page and the summary's material say so.
  const onScreen = world.notion.blocksOf(page.id).find((b) => b.type === "paragraph" && b.plainText.includes(CARD_TEXTS[0]))!.plainText;
  expectInOrder(onScreen, [CARD_TEXTS[0], CARD_TEXTS[1], "Stir well", CARD_TEXTS[2]]);
  expectInOrder(JSON.stringify(world.gemini.requests.at(-1)!.body), CARD_TEXTS);
}

function expectInOrder(text: string, parts: readonly string[]): void {
  const positions = parts.map((part) => text.indexOf(part));
  expect(positions.every((p) => p >= 0), `${JSON.stringify(parts)} in ${text.slice(0, 200)}`).toBe(true);
  expect([...positions].sort((a, b) => a - b)).toEqual(positions);
}

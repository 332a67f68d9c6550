import { copyFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { makeCaptionedClip, type PostInfo } from "../../test/fixtures/media.ts";

/** The name of the post the demo shares; the video host serves it as a TikTok post page. */
const POST_NAME = "demo-post";

/**
 * Puts the video to share into the video host's folder with a post description next to it (as
 * test/fixtures/media.ts does): `videoFile` when given, else a short generated clip with speech
 * and on-screen text. Returns the post's name.
 */
export async function prepareVideo(mediaDir: string, videoFile: string | undefined): Promise<string> {
  if (!videoFile) {
    await makeCaptionedClip(mediaDir, {
      name: POST_NAME,
      seconds: 6,
      width: 720,
      height: 1280,
      captions: ["Quick tomato pasta", "Boil ten minutes", "Stir in the sauce"],
      speech: "Today I am making a quick tomato pasta.",
      post: { title: "Quick tomato pasta in ten minutes", caption: "Weeknight dinner #pasta #recipe", uploader: "demo.chef" },
    });
    return POST_NAME;
  }
  const media = `${POST_NAME}${path.extname(videoFile) || ".mp4"}`;
  await copyFile(videoFile, path.join(mediaDir, media));
  const post: PostInfo = {
    name: POST_NAME,
    kind: "video",
    title: path.basename(videoFile, path.extname(videoFile)),
    caption: `Shared from ${path.basename(videoFile)} #reelnotes`,
    uploader: "demo.person",
    uploadDate: new Date().toISOString().slice(0, 10),
    media,
  };
  await writeFile(path.join(mediaDir, `${POST_NAME}.post.json`), JSON.stringify(post, null, 2));
  return POST_NAME;
}

import type { World } from "../../test/harness/world.ts";

/** What was sent to Google Vision. */
export interface VisionUsage {
  requests: number;
  images: number;
}

/** Vision requests and images in the emulator's log from position `from` on. */
export function visionUsageSince(world: World, from: number): VisionUsage {
  const annotate = world.vision.requests.slice(from).filter((r) => r.path === "/v1/images:annotate");
  const images = annotate.reduce((sum, r) => sum + ((r.body as { requests?: unknown[] } | undefined)?.requests?.length ?? 0), 0);
  return { requests: annotate.length, images };
}

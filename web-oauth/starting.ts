import type { IncomingMessage, ServerResponse } from "node:http";

/** Seconds a caller is asked to wait before trying again while the service starts. */
export const STARTING_RETRY_AFTER_SECONDS = 2;

const STARTING_SENTENCE = "reelnotes is starting up. Please try again in a few seconds.";

/**
 * Answers every request at once while the service is still starting (the site listens before
 * the database, bots and routes are ready): `/health` says "starting" (the process is alive),
 * `/ready` and every page get 503 with Retry-After, so no connection is accepted and left waiting.
 */
export function answerWhileStarting(req: IncomingMessage, res: ServerResponse): void {
  // A body (a webhook's update) is not read; drain it so the connection stays usable.
  req.resume();
  const path = (req.url ?? "/").split("?")[0];
  const json = (status: number, body: object) => {
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...(status === 503 ? { "retry-after": String(STARTING_RETRY_AFTER_SECONDS) } : {}) });
    res.end(JSON.stringify(body));
  };
  if (path === "/health") return json(200, { status: "starting" });
  if (path === "/ready") return json(503, { status: "starting", message: STARTING_SENTENCE });
  res.writeHead(503, { "content-type": "text/plain; charset=utf-8", "retry-after": String(STARTING_RETRY_AFTER_SECONDS) });
  res.end(STARTING_SENTENCE);
}

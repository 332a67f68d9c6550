import { describe, expect, it } from "vitest";
import { freePort } from "../../scripts/demo/free-port.ts";
import { openPostgres } from "../../src/db/client.ts";
import { createJobRepository } from "../../src/db/jobs.ts";
import { isStoreUnavailable, TransientError, UserFacingError } from "../../src/errors.ts";

describe("telling a database that does not answer from a bug", () => {
  it("recognises what the database client throws when nobody listens on the database's port", async () => {
    const url = `postgresql://postgres@127.0.0.1:${await freePort()}/reelnotes`;
    const error = await openPostgres(url, undefined, 1)
      .then((db) => createJobRepository(db).find("00000000-0000-4000-8000-000000000000").finally(() => db.close()))
      .then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(isStoreUnavailable(error)).toBe(true);
  });

  it("does not take a bug, a person's mistake or a service's 503 for it", () => {
    expect(isStoreUnavailable(new TypeError("undefined is not a function"))).toBe(false);
    expect(isStoreUnavailable(new UserFacingError("video_private", "error.videoPrivate"))).toBe(false);
    expect(isStoreUnavailable(new TransientError("server_error", "Notion answered 503"))).toBe(false);
    expect(isStoreUnavailable(new Error("wrapped", { cause: Object.assign(new Error("socket"), { code: "ECONNREFUSED" }) }))).toBe(true);
  });
});

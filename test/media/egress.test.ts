import { createServer, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserFacingError } from "../../src/errors.ts";
import { isPublicAddress, startEgressGuard } from "../../src/media/egress-guard.ts";
import { makeCaptionedClip } from "../fixtures/media.ts";
import { type MediaBench, openMediaBench } from "./setup.ts";

/**
 * Downloads never reach the machine's own or private addresses: a canary on 127.0.0.1 (not a
 * stand-in host) stands for an internal service and must see no request at all.
 */

let bench: MediaBench;
let canary: Server;
const reached: string[] = [];

beforeAll(async () => {
  bench = await openMediaBench();
  await makeCaptionedClip(bench.fixtures, { name: "fine", seconds: 2, captions: ["Fine"] });
  canary = createServer((req, res) => {
    reached.push(`${req.method} ${req.url}`);
    res.writeHead(200, { "content-type": "text/html" }).end("<html><head><title>internal</title></head></html>");
  });
  await new Promise<void>((resolve) => canary.listen(0, "127.0.0.1", resolve));
  bench.host.elsewhere = `http://127.0.0.1:${(canary.address() as AddressInfo).port}`;
});

afterAll(async () => {
  canary?.closeAllConnections();
  await new Promise((resolve) => canary?.close(resolve));
  await bench?.close();
});

async function download(url: string) {
  const tools = bench.tools();
  const dir = await tools.createWorkDir("job-egress");
  try {
    return await tools.download(url, dir).then(
      (media) => ({ media, error: undefined }),
      (error: unknown) => ({ media: undefined, error }),
    );
  } finally {
    await tools.removeWorkDir(dir);
  }
}

describe("downloads and internal addresses", () => {
  it("refuses a redirect from the post's host to an internal address, and the canary sees nothing", async () => {
    const { error } = await download(bench.host.redirectingUrl);
    expect(error).toBeInstanceOf(UserFacingError);
    expect(error).toMatchObject({ kind: "download_failed" });
    expect(reached).toEqual([]);
  });

  it("refuses a post whose video and cover live at an internal address, and the canary sees nothing", async () => {
    const { error } = await download(bench.host.pointingUrl);
    expect(error).toBeInstanceOf(UserFacingError);
    expect(error).toMatchObject({ kind: "download_failed" });
    expect(reached).toEqual([]);
  });

  it("still downloads from a stand-in host named in MEDIA_EXTRA_ALLOWED_HOSTS (tests only)", async () => {
    const { media, error } = await download(bench.host.postUrl("fine"));
    expect(error).toBeUndefined();
    expect(media!.videoPath).toMatch(/media\.mp4$/);
  });
});

/** Asks the guard for a tunnel to `target` (as yt-dlp does for https) and returns its status line. */
function tunnelStatus(proxyUrl: string, target: string): Promise<string> {
  const { hostname, port } = new URL(proxyUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`));
    socket.once("data", (data) => {
      resolve(String(data).split("\r\n")[0]!);
      socket.destroy();
    });
    socket.once("error", reject);
  });
}

describe("the download guard", () => {
  it("tells public addresses from loopback, private, link-local, shared and mapped ones", () => {
    for (const address of ["8.8.8.8", "151.101.1.140", "2606:4700::6810:84e5"]) expect(isPublicAddress(address), address).toBe(true);
    for (const address of ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "64:ff9b::a00:1", "not an address"]) {
      expect(isPublicAddress(address), address).toBe(false);
    }
  });

  it("refuses tunnels and requests to internal addresses, by literal or by name, and the canary sees nothing", async () => {
    const canaryPort = (canary.address() as AddressInfo).port;
    // "metadata.example" resolves to one public and one link-local address: one bad address is enough.
    const resolve = async (name: string) => (name === "localhost" ? ["127.0.0.1", "::1"] : name === "metadata.example" ? ["8.8.8.8", "169.254.169.254"] : []);
    const guard = await startEgressGuard([], resolve);
    try {
      for (const target of [`127.0.0.1:${canaryPort}`, `localhost:${canaryPort}`, `[::ffff:127.0.0.1]:${canaryPort}`, "169.254.169.254:80", "metadata.example:443", "10.0.0.1:443", "[::1]:443", "unknown.example:443"]) {
        expect(await tunnelStatus(guard.proxyUrl, target), target).toBe("HTTP/1.1 403 Forbidden");
      }
      const plain = await fetch(`${guard.proxyUrl}/`, { method: "GET" }).then((r) => r.status);
      expect(plain).toBe(400);
      expect(guard.refused).toHaveLength(8);
      expect(reached).toEqual([]);
    } finally {
      await guard.close();
    }
  });

  it("lets a test stand-in host through when it is named", async () => {
    const canaryPort = (canary.address() as AddressInfo).port;
    const guard = await startEgressGuard([`127.0.0.1:${canaryPort}`]);
    try {
      expect(await tunnelStatus(guard.proxyUrl, `127.0.0.1:${canaryPort}`)).toBe("HTTP/1.1 200 Connection Established");
    } finally {
      await guard.close();
      reached.length = 0;
    }
  });
});

import { lookup } from "node:dns/promises";
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";
import ipaddr from "ipaddr.js";

/**
 * The HTTP proxy every yt-dlp run goes through, so no fetch of a download (page, media,
 * thumbnails, each redirect) reaches the machine itself, a private network or a link-local
 * address such as a cloud's metadata service. Each host name is resolved here and every address
 * it has is checked; the connection then goes to the checked address, so a second answer from DNS
 * cannot change it. Test stand-in hosts (MEDIA_EXTRA_ALLOWED_HOSTS, refused in production) pass.
 */

/** Resolves a host name to all of its addresses. */
export type ResolveHost = (hostname: string) => Promise<string[]>;

/** A running guard for one download. */
export interface EgressGuard {
  /** What to give yt-dlp as `--proxy`. */
  proxyUrl: string;
  /** The destinations it refused, as `host:port`. */
  readonly refused: string[];
  close(): Promise<void>;
}

// IPv4 first: the guard connects to the first address, and many containers have no IPv6 route.
const resolveWithDns: ResolveHost = async (hostname) => (await lookup(hostname, { all: true, order: "ipv4first" })).map((a) => a.address);

/** True for an address on the public internet: not loopback, private, link-local, shared, reserved or a mapping of one. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  // IPv4-mapped IPv6 (::ffff:127.0.0.1) is judged as the IPv4 address it is.
  return ipaddr.process(address).range() === "unicast";
}

/** Headers that belong to one hop (ours with yt-dlp), not to the request passed on. */
const HOP_HEADERS = ["proxy-connection", "proxy-authorization", "connection", "keep-alive"];

function passedOn(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const out = { ...headers };
  for (const name of HOP_HEADERS) delete out[name];
  return out;
}

/** Starts a guard that lets through public addresses and `allowedHosts` (`host` or `host:port`). */
export async function startEgressGuard(allowedHosts: string[], resolve: ResolveHost = resolveWithDns): Promise<EgressGuard> {
  const allowed = new Set(allowedHosts.map((h) => h.trim().toLowerCase()).filter(Boolean));
  const refused: string[] = [];
  const tunnels = new Set<Socket>();

  /** The address to connect to for `hostname:port`, or undefined when it is refused. */
  async function destination(hostname: string, port: number): Promise<string | undefined> {
    const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
    if (allowed.has(`${hostname.toLowerCase()}:${port}`) || allowed.has(hostname.toLowerCase())) return host;
    const addresses = ipaddr.isValid(host) ? [host] : await resolve(host).catch(() => []);
    if (addresses.length > 0 && addresses.every(isPublicAddress)) return addresses[0];
    refused.push(`${hostname}:${port}`);
    return undefined;
  }

  async function tunnel(req: IncomingMessage, client: Socket, head: Buffer): Promise<void> {
    const target = new URL(`http://${req.url ?? ""}`);
    const address = await destination(target.hostname, Number(target.port || 443));
    if (!address) return void client.end("HTTP/1.1 403 Forbidden\r\n\r\n");
    const upstream = connect(Number(target.port || 443), address, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    tunnels.add(client);
    // A failure on either side ends both, as a direct connection's failure would look to yt-dlp.
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
    client.on("close", () => {
      tunnels.delete(client);
      upstream.destroy();
    });
  }

  async function forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = URL.canParse(req.url ?? "") ? new URL(req.url!) : undefined;
    if (!target || target.protocol !== "http:") return void res.writeHead(400).end();
    const port = Number(target.port || 80);
    const address = await destination(target.hostname, port);
    if (!address) return void res.writeHead(403).end();
    const upstream = request({ host: address, port, method: req.method, path: `${target.pathname}${target.search}`, headers: passedOn(req.headers), agent: false }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, passedOn(answer.headers));
      answer.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    res.on("close", () => upstream.destroy());
    req.pipe(upstream);
  }

  const server = createServer((req, res) => void forward(req, res).catch(() => res.destroy()));
  server.on("connect", (req: IncomingMessage, client: Socket, head: Buffer) => void tunnel(req, client, head).catch(() => client.destroy()));
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return {
    proxyUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    refused,
    close: () =>
      new Promise<void>((done) => {
        for (const socket of tunnels) socket.destroy();
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

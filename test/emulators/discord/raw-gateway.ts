import { once } from "node:events";
import { WebSocket } from "ws";

/** A gateway frame as a raw client receives it. */
export interface Frame {
  op: number;
  s: number | null;
  t: string | null;
  d: unknown;
}

/**
 * A bare WebSocket gateway client for protocol-level tests: records every frame, and waits for
 * frames or the close code without any of discord.js's recovery logic in the way.
 */
export class RawGateway {
  readonly frames: Frame[] = [];
  closeCode: number | null = null;

  readonly socket: WebSocket;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on("message", (data) => this.frames.push(JSON.parse(String(data)) as Frame));
    socket.on("close", (code) => (this.closeCode = code));
  }

  /** Opens a connection to `url` with Discord's query string. */
  static async connect(url: string, query = "v=10&encoding=json"): Promise<RawGateway> {
    const socket = new WebSocket(`${url}?${query}`);
    const client = new RawGateway(socket);
    await once(socket, "open");
    return client;
  }

  send(op: number, d: unknown): void {
    this.socket.send(JSON.stringify({ op, d }));
  }

  /** Resolves with the first frame (from index `from`) that `match` accepts. */
  async next(match: (frame: Frame) => boolean, from = 0, timeoutMs = 2000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = this.frames.slice(from).find(match);
      if (frame) return frame;
      if (Date.now() > deadline) throw new Error(`no matching frame; got ${JSON.stringify(this.frames.map((f) => [f.op, f.t]))}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Resolves with the close code the server closed with. */
  async closed(timeoutMs = 2000): Promise<number> {
    if (this.closeCode === null) {
      const [code] = (await Promise.race([
        once(this.socket, "close"),
        new Promise((_, reject) => setTimeout(() => reject(new Error("not closed")), timeoutMs)),
      ])) as [number];
      return code;
    }
    return this.closeCode;
  }

  /** Connects and identifies with `token` and `intents`; resolves once READY arrived. */
  static async identify(url: string, token: string, intents: number): Promise<RawGateway> {
    const client = await RawGateway.connect(url);
    await client.next((f) => f.op === 10);
    client.send(2, { token, intents, properties: { os: "linux", browser: "test", device: "test" } });
    await client.next((f) => f.t === "READY");
    return client;
  }

  dispatches(t: string): Frame[] {
    return this.frames.filter((frame) => frame.op === 0 && frame.t === t);
  }

  close(): void {
    this.socket.terminate();
  }
}

import { once } from "node:events";
import type { IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { constants as zlibConstants, createDeflate, deflateSync, type Deflate } from "node:zlib";
import { WebSocket, WebSocketServer } from "ws";
import { randomToken } from "./ids.ts";
import type { ApiUser } from "./store.ts";

/**
 * The Discord gateway over WebSocket: HELLO, IDENTIFY -> READY, heartbeats and ACKs, RESUME with
 * replay of missed dispatches, and invalid sessions, so discord.js's reconnect logic runs for real.
 */

/** Gateway opcodes. */
export const Op = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  PresenceUpdate: 3,
  VoiceStateUpdate: 4,
  Resume: 6,
  Reconnect: 7,
  RequestGuildMembers: 8,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
  RequestSoundboardSounds: 31,
} as const;

/** Gateway intents the emulator cares about. */
export const Intents = { GuildMembers: 1 << 1, GuildPresences: 1 << 8, DirectMessages: 1 << 12, MessageContent: 1 << 15 } as const;

const PRIVILEGED = Intents.GuildMembers | Intents.GuildPresences | Intents.MessageContent;
const UNUSED_INTENT_BITS = (0b111 << 17) | (0b11 << 22) | ~((1 << 26) - 1);
const REPLAY_BUFFER = 1000;

/** One gateway frame as it went over the wire. */
export interface GatewayFrame {
  at: number;
  direction: "in" | "out";
  op: number;
  t?: string | null;
}

/** Gateway settings. */
export interface GatewayOptions {
  token: string;
  bot: ApiUser;
  application: { id: string; flags: number };
  heartbeatIntervalMs: number;
  /** Privileged intents the app is allowed; others close the connection with 4014. */
  allowedPrivilegedIntents: number;
  host: string;
}

interface Session {
  id: string;
  intents: number;
  sequence: number;
  buffer: { s: number; t: string; d: unknown }[];
  connection: Connection | null;
  invalid: boolean;
}

interface Connection {
  socket: WebSocket;
  session: Session | null;
  /** zlib-stream transport compression, when the client asked for it in the URL. */
  stream: { deflate: Deflate; chunks: Buffer[] } | null;
  /** Per-payload compression, when IDENTIFY said `compress: true`. */
  payloadCompression: boolean;
}

/** The emulated gateway: a WebSocket server on its own port, as Discord's is on its own host. */
export class Gateway {
  url = "";
  /** Every frame in and out, for tests that assert on the protocol. */
  readonly frames: GatewayFrame[] = [];
  private readonly server: WebSocketServer;
  private readonly connections = new Set<Connection>();
  private current: Session | null = null;
  private readonly sessions = new Map<string, Session>();

  private readonly options: GatewayOptions;

  constructor(options: GatewayOptions) {
    this.options = options;
    this.server = new WebSocketServer({ port: 0, host: options.host });
    this.server.on("connection", (socket, request) => this.accept(socket, request));
  }

  /** Waits until the server listens and sets `url`. */
  async start(): Promise<void> {
    if (!this.server.address()) await once(this.server, "listening");
    const { port } = this.server.address() as AddressInfo;
    this.url = `ws://${this.options.host}:${port}`;
  }

  /** Counts of IDENTIFY and RESUME frames received, and connections open now. */
  get stats(): { identifies: number; resumes: number; heartbeats: number; openConnections: number } {
    const count = (op: number) => this.frames.filter((frame) => frame.direction === "in" && frame.op === op).length;
    return {
      identifies: count(Op.Identify),
      resumes: count(Op.Resume),
      heartbeats: count(Op.Heartbeat),
      openConnections: [...this.connections].filter((c) => c.socket.readyState === WebSocket.OPEN).length,
    };
  }

  /** Whether a bot has identified and can receive dispatches (now, or after it resumes). */
  get hasSession(): boolean {
    return this.current !== null && !this.current.invalid;
  }

  /** Whether the current session has a live, ready connection. */
  get isConnected(): boolean {
    return this.current?.connection?.socket.readyState === WebSocket.OPEN;
  }

  /**
   * Sends a dispatch to the bot's session, if its intents include `intent`. While the bot is
   * disconnected the dispatch waits in the session's buffer and is replayed on RESUME.
   */
  dispatch(t: string, d: unknown, intent?: number): boolean {
    const session = this.current;
    if (!session || session.invalid) return false;
    if (intent !== undefined && (session.intents & intent) === 0) return false;
    const event = { s: ++session.sequence, t, d };
    session.buffer.push(event);
    if (session.buffer.length > REPLAY_BUFFER) session.buffer.shift();
    if (session.connection) this.send(session.connection, { op: Op.Dispatch, ...event });
    return true;
  }

  /**
   * Drops every connection, as a network blip or a Discord restart would. By default the session
   * stays resumable (close code 4000, the client RESUMEs and missed dispatches are replayed);
   * with `invalidateSession` the client's RESUME gets op 9 and it must IDENTIFY again.
   */
  dropConnections(options: { invalidateSession?: boolean; code?: number } = {}): void {
    if (options.invalidateSession) for (const session of this.sessions.values()) session.invalid = true;
    for (const connection of this.connections) {
      if (connection.session) connection.session.connection = null;
      connection.socket.close(options.code ?? 4000, "Emulator dropped the connection");
    }
  }

  /** Closes the server and every connection. */
  async stop(): Promise<void> {
    for (const connection of this.connections) connection.socket.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: WebSocket, request: IncomingMessage): void {
    const query = new URL(request.url ?? "/", "ws://gateway").searchParams;
    const connection: Connection = { socket, session: null, stream: null, payloadCompression: false };
    this.connections.add(connection);
    socket.on("close", () => {
      this.connections.delete(connection);
      if (connection.session?.connection === connection) connection.session.connection = null;
    });
    if (query.get("v") !== "10") return socket.close(4012, "Invalid API version");
    if ((query.get("encoding") ?? "json") !== "json") return socket.close(4002, "Only JSON encoding is emulated");
    const compress = query.get("compress");
    if (compress && compress !== "zlib-stream") return socket.close(4002, "Unknown compression");
    if (compress) connection.stream = openStream();
    socket.on("message", (raw, isBinary) => this.receive(connection, raw as Buffer, isBinary));
    this.send(connection, { op: Op.Hello, d: { heartbeat_interval: this.options.heartbeatIntervalMs, _trace: ["emulator"] } });
  }

  private receive(connection: Connection, raw: Buffer, isBinary: boolean): void {
    let payload: { op?: unknown; d?: unknown };
    try {
      payload = JSON.parse(isBinary ? raw.toString("utf8") : raw.toString());
    } catch {
      return connection.socket.close(4002, "Decode error");
    }
    this.frames.push({ at: Date.now(), direction: "in", op: Number(payload.op) });
    switch (payload.op) {
      case Op.Heartbeat:
        return this.send(connection, { op: Op.HeartbeatAck });
      case Op.Identify:
        return this.identify(connection, payload.d as IdentifyData);
      case Op.Resume:
        return this.resume(connection, payload.d as ResumeData);
      case Op.PresenceUpdate:
      case Op.VoiceStateUpdate:
      case Op.RequestGuildMembers:
      case Op.RequestSoundboardSounds:
        if (!connection.session) connection.socket.close(4003, "Not authenticated");
        return;
      default:
        return connection.socket.close(4001, "Unknown opcode");
    }
  }

  private identify(connection: Connection, data: IdentifyData): void {
    if (connection.session) return connection.socket.close(4005, "Already authenticated");
    if (data?.token !== this.options.token) return connection.socket.close(4004, "Authentication failed");
    const intents = data.intents;
    if (!Number.isInteger(intents) || intents < 0 || (intents & UNUSED_INTENT_BITS) !== 0)
      return connection.socket.close(4013, "Invalid intent(s)");
    if ((intents & PRIVILEGED & ~this.options.allowedPrivilegedIntents) !== 0)
      return connection.socket.close(4014, "Disallowed intent(s)");
    if (data.shard && (data.shard[0] !== 0 || data.shard[1] !== 1)) return connection.socket.close(4010, "Invalid shard");
    if (this.current) this.current.invalid = true;
    const session: Session = { id: randomToken(16), intents, sequence: 0, buffer: [], connection, invalid: false };
    this.sessions.set(session.id, session);
    this.current = session;
    connection.session = session;
    connection.payloadCompression = data.compress === true && !connection.stream;
    this.dispatch("READY", {
      v: 10,
      user_settings: {},
      user: this.options.bot,
      guilds: [],
      session_id: session.id,
      session_type: "normal",
      resume_gateway_url: this.url,
      private_channels: [],
      presences: [],
      relationships: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      shard: [0, 1],
      application: this.options.application,
      _trace: ["emulator"],
    });
  }

  private resume(connection: Connection, data: ResumeData): void {
    if (connection.session) return connection.socket.close(4005, "Already authenticated");
    if (data?.token !== this.options.token) return connection.socket.close(4004, "Authentication failed");
    const session = this.sessions.get(data.session_id);
    if (!session || session.invalid || session !== this.current) {
      return this.send(connection, { op: Op.InvalidSession, d: false });
    }
    const oldest = session.buffer[0]?.s ?? session.sequence + 1;
    if (data.seq !== null && data.seq < oldest - 1) return this.send(connection, { op: Op.InvalidSession, d: false });
    session.connection?.socket.close(4000, "Session resumed elsewhere");
    session.connection = connection;
    connection.session = session;
    for (const event of session.buffer) if (event.s > (data.seq ?? 0)) this.send(connection, { op: Op.Dispatch, ...event });
    this.dispatch("RESUMED", { _trace: ["emulator"] });
  }

  private send(connection: Connection, payload: { op: number; s?: number | null; t?: string | null; d?: unknown }): void {
    if (connection.socket.readyState !== WebSocket.OPEN) return;
    const frame = { s: null, t: null, d: null, ...payload };
    this.frames.push({ at: Date.now(), direction: "out", op: frame.op, t: frame.t });
    const json = JSON.stringify(frame);
    if (connection.stream) {
      const { deflate, chunks } = connection.stream;
      deflate.write(json);
      deflate.flush(zlibConstants.Z_SYNC_FLUSH, () => {
        const data = Buffer.concat(chunks.splice(0));
        if (connection.socket.readyState === WebSocket.OPEN) connection.socket.send(data);
      });
    } else if (connection.payloadCompression) {
      connection.socket.send(deflateSync(json));
    } else {
      connection.socket.send(json);
    }
  }
}

interface IdentifyData {
  token?: string;
  intents: number;
  compress?: boolean;
  shard?: [number, number];
}

interface ResumeData {
  token?: string;
  session_id: string;
  seq: number | null;
}

function openStream(): { deflate: Deflate; chunks: Buffer[] } {
  const deflate = createDeflate();
  const chunks: Buffer[] = [];
  deflate.on("data", (chunk: Buffer) => chunks.push(chunk));
  return { deflate, chunks };
}

import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express, { type Express, type NextFunction, type Request, type Response } from "express";
import type { Contract } from "../contracts/validation/contract.ts";
import { watchContract } from "../contracts/validation/watch.ts";

/**
 * Shared parts of every emulator: a request log to assert on, injected latency and faults,
 * and a start/stop lifecycle on a random local port.
 */

/** One request as the emulator saw it. */
export interface LoggedRequest {
  at: number;
  method: string;
  path: string;
  status?: number;
  /** Parsed JSON body or form fields, when there were any. */
  body?: unknown;
  /** Which fault, if any, the emulator injected. */
  fault?: Fault["kind"];
  headers: Record<string, string | string[] | undefined>;
}

/** A fault the emulator answers with instead of doing the work. */
export type Fault =
  | { kind: "429"; retryAfterSeconds: number }
  | { kind: "500" }
  | { kind: "503" }
  | { kind: "hang" };

/** How an emulator misbehaves: latency per request, and faults by probability or by queue. */
export interface Behaviour {
  /** Fixed latency in ms added to every request (or a function of the request). */
  latencyMs: number | ((req: Request) => number);
  /** Chance (0..1) that a request gets one of `randomFaults`. */
  faultRate: number;
  randomFaults: Fault[];
  /** Faults served to the next matching requests, in order, before any random ones. */
  queuedFaults: { fault: Fault; match?: (req: Request) => boolean }[];
  /** Deterministic randomness so a failing test can be replayed. */
  random: () => number;
}

/** A seeded PRNG (mulberry32), so fault patterns are repeatable. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Builds the behaviour object with sane defaults: no latency, no faults. */
export function defaultBehaviour(): Behaviour {
  return { latencyMs: 0, faultRate: 0, randomFaults: [], queuedFaults: [], random: seededRandom(42) };
}

/** Answers a fault in the emulated API's own error shape. */
export type FaultResponder = (fault: Fault, req: Request, res: Response) => void;

const defaultResponder: FaultResponder = (fault, _req, res) => {
  if (fault.kind === "429") {
    res.set("Retry-After", String(fault.retryAfterSeconds)).status(429).json({ error: "rate limited" });
  } else if (fault.kind === "500" || fault.kind === "503") {
    res.status(Number(fault.kind)).json({ error: "server error" });
  }
};

/** Requests held at the door until released, so a test can act while one is surely in flight. */
export interface Hold {
  /** Resolves when the first matching request has arrived (and is waiting). */
  arrived: Promise<void>;
  /** Lets every held request, and every later one, through. */
  release(): void;
}

/** A running emulator: its base URL, log and behaviour knobs, and `stop`. */
export interface EmulatorHandle {
  url: string;
  port: number;
  requests: LoggedRequest[];
  behaviour: Behaviour;
  /** Queues `fault` for the next request (optionally only those `match` accepts). */
  failNext(fault: Fault, match?: (req: Request) => boolean): void;
  /** Holds matching requests (all by default) before any work until `release()`. */
  hold(match?: (req: Request) => boolean): Hold;
  stop(): Promise<void>;
}

interface ActiveHold {
  match?: (req: Request) => boolean;
  arrive(): void;
  gate: Promise<void>;
}

function createHold(holds: ActiveHold[], match?: (req: Request) => boolean): Hold {
  let arrive!: () => void;
  let open!: () => void;
  const arrived = new Promise<void>((resolve) => (arrive = resolve));
  const active: ActiveHold = { match, arrive, gate: new Promise<void>((resolve) => (open = resolve)) };
  holds.push(active);
  return {
    arrived,
    release: () => {
      holds.splice(holds.indexOf(active), 1);
      open();
    },
  };
}

function pickFault(behaviour: Behaviour, req: Request): Fault | undefined {
  const index = behaviour.queuedFaults.findIndex((q) => !q.match || q.match(req));
  if (index >= 0) return behaviour.queuedFaults.splice(index, 1)[0]!.fault;
  if (behaviour.faultRate > 0 && behaviour.randomFaults.length > 0 && behaviour.random() < behaviour.faultRate) {
    return behaviour.randomFaults[Math.floor(behaviour.random() * behaviour.randomFaults.length)];
  }
  return undefined;
}

/**
 * Whether emulators started from now on check their exchanges against the official descriptions.
 * On for tests and the demo; the benchmark turns it off, because the emulators stand in for
 * services on other machines and their checking would take the cores the service is measured on.
 */
export const contractChecks = { enabled: true };

/**
 * Starts an emulator. `build` adds the API's routes to an Express app that already logs,
 * delays and injects faults; body parsing is left to the routes (JSON, forms, multipart differ).
 */
export async function startEmulator(
  build: (app: Express, handle: EmulatorHandle) => void,
  options: {
    respondToFault?: FaultResponder;
    host?: string;
    port?: number;
    exempt?: (req: Request) => boolean;
    /** The official description every request and JSON response is checked against (test/contracts/). */
    contract?: Contract;
  } = {},
): Promise<EmulatorHandle> {
  const app = express();
  app.disable("x-powered-by");
  const requests: LoggedRequest[] = [];
  const behaviour = defaultBehaviour();
  const hanging = new Set<Response>();
  const holds: ActiveHold[] = [];
  const respond = options.respondToFault ?? defaultResponder;
  const handle: EmulatorHandle = {
    url: "",
    port: 0,
    requests,
    behaviour,
    failNext: (fault, match) => behaviour.queuedFaults.push({ fault, match }),
    hold: (match) => createHold(holds, match),
    stop: async () => undefined,
  };

  if (options.contract && contractChecks.enabled) app.use(watchContract(options.contract));
  app.use(async (req: Request, res: Response, next: NextFunction) => {
    const entry: LoggedRequest = { at: Date.now(), method: req.method, path: req.path, headers: req.headers };
    requests.push(entry);
    res.on("finish", () => {
      entry.status = res.statusCode;
      entry.body ??= req.body;
    });
    if (options.exempt?.(req)) return next();
    const held = holds.find((h) => !h.match || h.match(req));
    if (held) {
      held.arrive();
      await held.gate;
      // A caller that died while held never gets an answer, so the work is not done either.
      if (req.socket.destroyed) return;
    }
    const latency = typeof behaviour.latencyMs === "function" ? behaviour.latencyMs(req) : behaviour.latencyMs;
    if (latency > 0) await new Promise((r) => setTimeout(r, latency));
    const fault = pickFault(behaviour, req);
    if (!fault) return next();
    entry.fault = fault.kind;
    if (fault.kind === "hang") {
      hanging.add(res);
      res.on("close", () => hanging.delete(res));
      return;
    }
    respond(fault, req, res);
  });

  build(app, handle);

  const server: Server = createServer(app);
  server.listen(options.port ?? 0, options.host ?? "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  handle.port = port;
  handle.url = `http://${options.host ?? "127.0.0.1"}:${port}`;
  handle.stop = async () => {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return handle;
}

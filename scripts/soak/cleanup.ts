/** What the soak started, stopped on every way out: its end, a throw, or a signal. */
export interface Cleanup {
  /** Registers how to stop something just started; once cleaning up has begun, stops it at once. */
  add(stop: () => Promise<unknown>): void;
  /** Stops everything registered, last first, each whatever the others do; later calls wait for the first. */
  run(): Promise<void>;
}

/** An empty cleanup list. */
export function createCleanup(onProblem: (line: string) => void): Cleanup {
  const stops: (() => Promise<unknown>)[] = [];
  let running: Promise<void> | undefined;
  const stopOne = (stop: () => Promise<unknown>) => stop().catch((error: unknown) => onProblem(`cleanup: ${String(error)}`));
  return {
    add(stop) {
      if (running) void running.then(() => stopOne(stop));
      else stops.push(stop);
    },
    run() {
      running ??= (async () => {
        while (stops.length > 0) await stopOne(stops.pop()!);
      })();
      return running;
    },
  };
}

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/**
 * Until the returned function is called, SIGINT, SIGTERM or SIGHUP runs `cleanup` and ends the
 * process (128 + the signal's number, as a shell reports it): a soak stopped by hand leaves no
 * Postgres, Redis or service process behind.
 */
export function cleanUpOnSignals(cleanup: Cleanup, say: (line: string) => void): () => void {
  const codes = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };
  const handlers = SIGNALS.map((signal) => {
    const handler = () => {
      say(`${signal}: stopping everything the soak started`);
      void cleanup.run().finally(() => process.exit(codes[signal]));
    };
    process.once(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}

/** `thing` once started, its stop registered with `cleanup` at once (so a later failure still stops it). */
export async function started<T>(cleanup: Cleanup, thing: Promise<T>, stop: (t: T) => Promise<unknown>): Promise<T> {
  const value = await thing;
  cleanup.add(() => stop(value));
  return value;
}

/** Waits for every start to end, then throws the first failure: nothing is left starting unseen. */
export async function allStarted<T extends unknown[]>(...starts: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(starts);
  const failure = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failure) throw failure.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as T;
}

import { once } from "node:events";
import { createServer, request, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { transcriptionLatencyMs } from "./latencies.ts";

/**
 * A proxy in front of the OpenAI emulator that holds each transcription request for as long as
 * the real API would take on that much audio. The openai SDK streams uploads (chunked, no
 * Content-Length), so the size is only known once the whole body has arrived.
 */
export interface TranscriptionDelay {
  /** Base URL to use instead of the emulator's (append /v1 for the SDK). */
  url: string;
  stop(): Promise<void>;
}

function forwardedHeaders(headers: IncomingHttpHeaders, target: URL, length: number): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = { ...headers, host: target.host, "content-length": String(length) };
  delete out["transfer-encoding"];
  return out;
}

/** Starts the proxy on a random local port, forwarding to `target` (the emulator's base URL). */
export async function startTranscriptionDelay(target: string): Promise<TranscriptionDelay> {
  const base = new URL(target);
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    if (req.url?.endsWith("/audio/transcriptions")) await new Promise((r) => setTimeout(r, transcriptionLatencyMs(body.length)));
    const upstream = request(new URL(req.url ?? "/", base), { method: req.method, headers: forwardedHeaders(req.headers, base, body.length) }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", (error) => res.destroy(error));
    upstream.end(body);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

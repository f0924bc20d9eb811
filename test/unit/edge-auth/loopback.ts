// Loopback-only HTTP helpers for the fallback-fetch tests: a port nothing listens on, and a scripted server.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A loopback port that was free a moment ago and is now closed: connections to it are refused at once. */
export async function closedLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve, reject) => {
    server.close((error) => {
      if (error) reject(error);
      else resolve();
    });
  });
  return port;
}

export interface LoopbackServer {
  readonly url: string;
  readonly requests: () => number;
  close(): Promise<void>;
}

/** Serves `respond` on 127.0.0.1 and counts requests. A handler that never answers simulates a hung JWKS host. */
export async function loopbackServer(respond: (req: IncomingMessage, res: ServerResponse) => void): Promise<LoopbackServer> {
  let count = 0;
  const server: Server = createServer((req, res) => {
    count += 1;
    respond(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/us-east-1_AbCdEf123/.well-known/jwks.json`,
    requests: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** What an endless response has sent so far, and whether the client has gone away. */
export interface EndlessProgress {
  sent: number;
  closed: boolean;
}

/**
 * Answers 200 and writes spaces until the client goes away, at most 64 MiB, waiting for the socket to drain, so
 * what is sent is what the client read plus what the loopback socket buffers hold.
 */
export function streamEndlessly(res: ServerResponse, progress: EndlessProgress): void {
  res.on("close", () => {
    progress.closed = true;
  });
  res.writeHead(200, { "content-type": "application/json" });
  const chunk = Buffer.alloc(16 * 1024, 0x20);
  const pump = (): void => {
    while (!res.destroyed && progress.sent < 64 * 1024 * 1024) {
      progress.sent += chunk.length;
      if (!res.write(chunk)) {
        res.once("drain", pump);
        return;
      }
    }
    res.end();
  };
  pump();
}

/** Waits up to a second for the client to drop an endless response. */
export async function droppedWithinASecond(progress: EndlessProgress): Promise<boolean> {
  for (let i = 0; i < 100 && !progress.closed; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  return progress.closed;
}

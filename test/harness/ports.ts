// Free loopback ports for the processes the harness starts.
import { createServer } from "node:net";

/** Asks the kernel for an unused port on 127.0.0.1. The port is released before it is returned. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (address === null || typeof address === "string") {
        server.close();
        reject(new Error("could not read the port of a loopback listener"));
        return;
      }
      server.close(() => { resolvePort(address.port); });
    });
  });
}

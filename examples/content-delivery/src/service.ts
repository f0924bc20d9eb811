// Wires the watcher and the routes into an HTTP server: the whole Content Delivery service, minus main().
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { collectionPath, type ServiceConfig } from "./config.ts";
import { addressFrom, type ContentAddress } from "./content-address.ts";
import { ObjectWatcher, type WatcherLog } from "./object-watcher.ts";
import { route } from "./routes.ts";

export interface RunningService {
  /** Where the service listens, e.g. http://127.0.0.1:8080. */
  readonly url: string;
  /** The address the service would hand out right now. */
  address(): ContentAddress;
  stop(): Promise<void>;
}

export interface ServiceOptions {
  readonly log?: WatcherLog;
  readonly watchTimeoutSeconds?: number;
}

export async function startContentDelivery(config: ServiceConfig, options: ServiceOptions = {}): Promise<RunningService> {
  const log = options.log ?? jsonLog;
  const watcher = new ObjectWatcher({
    connection: config,
    target: { collectionPath: collectionPath(config.source), name: config.source.name },
    log,
    ...(options.watchTimeoutSeconds === undefined ? {} : { watchTimeoutSeconds: options.watchTimeoutSeconds }),
  });
  const address = (): ContentAddress => {
    const observation = watcher.current();
    return observation.synced ? addressFrom(config.source, observation.object) : { state: "unavailable", reason: "not synced with the Kubernetes API yet" };
  };
  const server = createServer((request, response) => {
    const reply = route(request.method ?? "GET", request.url ?? "/", address());
    const body = JSON.stringify(reply.body);
    response.writeHead(reply.status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
      "cache-control": "no-store",
      ...reply.headers,
    });
    response.end(request.method === "HEAD" ? undefined : body);
  });
  watcher.start();
  try {
    await listen(server, config.port, config.host);
  } catch (error) {
    await watcher.stop();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  log("info", "content delivery listening", { port, source: `${config.source.kind}/${config.source.namespace}/${config.source.name}` });
  return {
    url: `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${String(port)}`,
    address,
    stop: async () => {
      server.closeAllConnections();
      await Promise.all([new Promise((resolveClose) => server.close(resolveClose)), watcher.stop()]);
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolveListen, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolveListen();
    });
  });
}

/** One JSON line per event, as a log collector expects. */
export const jsonLog: WatcherLog = (level, message, meta = {}) => {
  console.log(JSON.stringify({ level, time: new Date().toISOString(), msg: message, ...meta }));
};

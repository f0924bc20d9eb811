// The two Kubernetes API calls the service makes, GET one object and WATCH it, over node:https with the
// ServiceAccount's token and CA (or plain HTTP to `kubectl proxy`). No client library needed.
import { readFile } from "node:fs/promises";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { createInterface } from "node:readline";
import { z } from "zod";

export interface ApiConnection {
  readonly apiServer: URL;
  readonly tokenFile: string | undefined;
  readonly caFile: string | undefined;
}

export class KubeRequestError extends Error {
  readonly code = "KubeRequestFailed";
  /** HTTP status; 0 when the request never got an answer. */
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = "KubeRequestError";
    this.status = status;
  }
}

/** A watch event; `object` is a metav1.Status for ERROR events. */
export const watchEventSchema = z.object({
  type: z.enum(["ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR"]),
  object: z.looseObject({
    metadata: z.looseObject({ resourceVersion: z.string().optional() }).optional(),
    code: z.number().optional(),
    message: z.string().optional(),
  }),
});

export type WatchEvent = z.infer<typeof watchEventSchema>;

/** GET a path; returns undefined for 404 and the parsed JSON otherwise. */
export async function getObject(connection: ApiConnection, path: string, signal: AbortSignal): Promise<unknown> {
  const response = await send(connection, path, signal, 30_000);
  const body = await readBody(response);
  if (response.statusCode === 404) return undefined;
  if (response.statusCode !== 200) throw new KubeRequestError(response.statusCode ?? 0, `GET ${path} answered ${String(response.statusCode)}: ${body.slice(0, 300)}`);
  return JSON.parse(body) as unknown;
}

/** Opens a watch and yields its events until the server ends it or the signal aborts. */
export async function* watchEvents(connection: ApiConnection, path: string, signal: AbortSignal): AsyncGenerator<WatchEvent> {
  const response = await send(connection, path, signal, undefined);
  if (response.statusCode !== 200) {
    const body = await readBody(response);
    throw new KubeRequestError(response.statusCode ?? 0, `WATCH ${path} answered ${String(response.statusCode)}: ${body.slice(0, 300)}`);
  }
  const lines = createInterface({ input: response, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (line.trim() === "") continue;
      yield watchEventSchema.parse(JSON.parse(line));
    }
  } finally {
    lines.close();
    response.destroy();
  }
}

async function send(connection: ApiConnection, path: string, signal: AbortSignal, timeoutMs: number | undefined): Promise<IncomingMessage> {
  const url = new URL(path, connection.apiServer);
  const headers: Record<string, string> = { accept: "application/json" };
  if (connection.tokenFile !== undefined) headers["authorization"] = `Bearer ${(await readFile(connection.tokenFile, "utf8")).trim()}`;
  const ca = connection.caFile === undefined ? undefined : await readFile(connection.caFile);
  return new Promise((resolveResponse, reject) => {
    const options = { method: "GET", headers, signal, ...(timeoutMs === undefined ? {} : { timeout: timeoutMs }) };
    const request = url.protocol === "https:" ? httpsRequest(url, { ...options, ...(ca === undefined ? {} : { ca }) }) : httpRequest(url, options);
    request.once("response", resolveResponse);
    request.once("timeout", () => request.destroy(new KubeRequestError(0, `GET ${url.pathname} timed out`)));
    request.once("error", (error) => { reject(error instanceof KubeRequestError ? error : new KubeRequestError(0, `GET ${url.pathname} failed: ${error.message}`)); });
    request.end();
  });
}

async function readBody(response: IncomingMessage): Promise<string> {
  let body = "";
  response.setEncoding("utf8");
  for await (const chunk of response) body += String(chunk);
  return body;
}

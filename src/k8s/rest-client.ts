// A small JSON client for the Kubernetes API, given a kubeconfig (./kubeconfig.ts, or client-node's KubeConfig).
//
// It talks to the API with one pooled undici Agent: client-node's generated clients build a new dispatcher for
// every request, convert dates into classes, and default patches to JSON-patch. Every response is parsed by the
// caller's zod schema, and every request is counted, so API load per resource can be measured.
import type { RequestOptions } from "node:https";
import { Agent, fetch, type Response } from "undici";
import type { z } from "zod";
import { KubeApiError } from "./errors.ts";
import type { KubeConnectionConfig } from "./kubeconfig.ts";

export const contentTypes = {
  json: "application/json",
  mergePatch: "application/merge-patch+json",
  jsonPatch: "application/json-patch+json",
} as const;

export type ContentType = (typeof contentTypes)[keyof typeof contentTypes];

export interface RequestSpec<T> {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly body?: unknown;
  readonly contentType?: ContentType;
  readonly schema: z.ZodType<T>;
  readonly signal?: AbortSignal;
}

export interface RequestObserver {
  onRequest?(method: string, status: number, seconds: number): void;
}

const credentialTtlMs = 60_000;

export class KubeRestClient {
  readonly #kubeConfig: KubeConnectionConfig;
  readonly #server: string;
  readonly #observer: RequestObserver;
  #agent: Agent | undefined;
  #credentials: { readonly headers: Record<string, string>; readonly at: number } | undefined;

  constructor(kubeConfig: KubeConnectionConfig, observer: RequestObserver = {}) {
    const cluster = kubeConfig.getCurrentCluster();
    if (cluster === null) throw new Error("the kubeconfig has no current cluster");
    this.#kubeConfig = kubeConfig;
    this.#server = cluster.server.replace(/\/+$/, "");
    this.#observer = observer;
  }

  async request<T>(spec: RequestSpec<T>): Promise<T> {
    const response = await this.#send(spec, { timeoutMs: 30_000 });
    const text = await response.text();
    if (!response.ok) throw apiError(response.status, text);
    return spec.schema.parse(text.length > 0 ? JSON.parse(text) : {});
  }

  /** Opens a streaming GET (a watch) and returns the response; the caller reads and closes its body. */
  async stream(spec: Omit<RequestSpec<unknown>, "schema" | "method" | "body">): Promise<Response> {
    const response = await this.#send({ ...spec, method: "GET", schema: undefined }, { timeoutMs: undefined });
    if (!response.ok) throw apiError(response.status, await response.text());
    return response;
  }

  async close(): Promise<void> {
    await this.#agent?.close();
    this.#agent = undefined;
  }

  async #send(
    spec: Omit<RequestSpec<unknown>, "schema"> & { schema: unknown },
    options: { timeoutMs: number | undefined },
  ): Promise<Response> {
    const { headers, agent } = await this.#connection();
    const url = new URL(this.#server + spec.path);
    for (const [key, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const requestHeaders: Record<string, string> = { ...headers, accept: contentTypes.json };
    if (spec.body !== undefined) requestHeaders["content-type"] = spec.contentType ?? contentTypes.json;
    const signals = [spec.signal, options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs)];
    const started = performance.now();
    let status = 0;
    try {
      const response = await fetch(url, {
        method: spec.method,
        headers: requestHeaders,
        body: spec.body === undefined ? null : JSON.stringify(spec.body),
        dispatcher: agent,
        signal: AbortSignal.any(signals.filter((s): s is AbortSignal => s !== undefined)),
      });
      status = response.status;
      return response;
    } finally {
      this.#observer.onRequest?.(spec.method, status, (performance.now() - started) / 1000);
    }
  }

  /** Credentials can rotate (projected ServiceAccount tokens), so headers are refreshed every minute. */
  async #connection(): Promise<{ headers: Record<string, string>; agent: Agent }> {
    const now = Date.now();
    if (this.#credentials !== undefined && this.#agent !== undefined && now - this.#credentials.at < credentialTtlMs) {
      return { headers: this.#credentials.headers, agent: this.#agent };
    }
    const options: RequestOptions = {};
    await this.#kubeConfig.applyToHTTPSOptions(options);
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(options.headers ?? {})) {
      if (typeof value === "string") headers[key.toLowerCase()] = value;
    }
    if (typeof options.auth === "string") headers["authorization"] = `Basic ${Buffer.from(options.auth).toString("base64")}`;
    this.#credentials = { headers, at: now };
    this.#agent ??= new Agent({
      connect: {
        ...(options.ca === undefined ? {} : { ca: options.ca as string | Buffer }),
        ...(options.cert === undefined ? {} : { cert: options.cert as string | Buffer }),
        ...(options.key === undefined ? {} : { key: options.key as string | Buffer }),
        ...(options.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: options.rejectUnauthorized }),
        ...(options.servername === undefined ? {} : { servername: options.servername }),
      },
      connections: 16,
      keepAliveTimeout: 30_000,
    });
    return { headers, agent: this.#agent };
  }
}

function apiError(status: number, body: string): KubeApiError {
  try {
    const parsed = JSON.parse(body) as { reason?: unknown; message?: unknown };
    const reason = typeof parsed.reason === "string" ? parsed.reason : `HTTP${status}`;
    const message = typeof parsed.message === "string" ? parsed.message : body.slice(0, 500);
    return new KubeApiError(status, reason, message);
  } catch {
    return new KubeApiError(status, `HTTP${status}`, body.slice(0, 500));
  }
}

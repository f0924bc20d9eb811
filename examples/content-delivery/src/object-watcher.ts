// Keeps the latest state of one named object: GET it, then WATCH it from that resourceVersion; after the
// watch ends, resume it; after an error (or 410 Gone), back off and GET again. Only `get` and `watch` on that
// one object are needed, so its Role can name it in resourceNames.
import { setTimeout as sleep } from "node:timers/promises";
import { type ApiConnection, getObject, KubeRequestError, watchEvents } from "./kube-api.ts";

export interface WatchTarget {
  readonly collectionPath: string;
  readonly name: string;
}

export interface WatcherLog {
  (level: "info" | "warn", message: string, meta?: Readonly<Record<string, unknown>>): void;
}

export interface WatcherOptions {
  readonly connection: ApiConnection;
  readonly target: WatchTarget;
  readonly log: WatcherLog;
  /** The server ends each watch after this long; the watcher then resumes it. */
  readonly watchTimeoutSeconds?: number;
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
}

/** What the watcher knows: nothing yet, or the object (undefined when it does not exist). */
export type Observation = { readonly synced: false } | { readonly synced: true; readonly object: unknown };

export class ObjectWatcher {
  readonly #options: WatcherOptions;
  readonly #abort = new AbortController();
  #observation: Observation = { synced: false };
  #loop: Promise<void> | undefined;

  constructor(options: WatcherOptions) {
    this.#options = options;
  }

  current(): Observation {
    return this.#observation;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#loop;
  }

  async #run(): Promise<void> {
    const { initialMs, maxMs } = this.#options.backoff ?? { initialMs: 500, maxMs: 30_000 };
    let delayMs = initialMs;
    const signal = this.#abort.signal;
    while (!this.#stopped()) {
      try {
        let resourceVersion = await this.#get(signal);
        // Each pass is one watch request; it ends when the server's timeout expires, then resumes.
        while (!this.#stopped()) {
          const started = Date.now();
          resourceVersion = await this.#watch(resourceVersion, signal);
          delayMs = initialMs;
          // A server that ends watches at once must not be asked again in a tight loop.
          if (Date.now() - started < 1_000) await sleep(initialMs, undefined, { signal }).catch(() => undefined);
        }
      } catch (error) {
        if (this.#stopped()) return;
        const status = error instanceof KubeRequestError ? error.status : undefined;
        this.#options.log("warn", "Kubernetes API request failed; reading the object again after a pause", { target: this.#options.target.name, status, error: String(error), retryInMs: delayMs });
        await sleep(delayMs, undefined, { signal }).catch(() => undefined);
        delayMs = Math.min(delayMs * 2, maxMs);
      }
    }
  }

  #stopped(): boolean {
    return this.#abort.signal.aborted;
  }

  async #get(signal: AbortSignal): Promise<string | undefined> {
    const { collectionPath, name } = this.#options.target;
    const object = await getObject(this.#options.connection, `${collectionPath}/${encodeURIComponent(name)}`, signal);
    this.#observe(object);
    return resourceVersionOf(object);
  }

  /** Runs one watch; returns the resourceVersion to resume from, or throws to make the caller GET again. */
  async #watch(from: string | undefined, signal: AbortSignal): Promise<string | undefined> {
    const { collectionPath, name } = this.#options.target;
    const query = new URLSearchParams({
      watch: "true",
      fieldSelector: `metadata.name=${name}`,
      allowWatchBookmarks: "true",
      timeoutSeconds: String(this.#options.watchTimeoutSeconds ?? 300),
      ...(from === undefined ? {} : { resourceVersion: from }),
    });
    let resourceVersion = from;
    for await (const event of watchEvents(this.#options.connection, `${collectionPath}?${query.toString()}`, signal)) {
      if (event.type === "ERROR") throw new KubeRequestError(event.object.code ?? 0, event.object.message ?? "watch error");
      resourceVersion = event.object.metadata?.resourceVersion ?? resourceVersion;
      if (event.type === "BOOKMARK") continue;
      this.#observe(event.type === "DELETED" ? undefined : event.object);
    }
    return resourceVersion;
  }

  #observe(object: unknown): void {
    this.#observation = { synced: true, object };
  }
}

function resourceVersionOf(object: unknown): string | undefined {
  if (typeof object !== "object" || object === null) return undefined;
  const metadata = (object as { metadata?: { resourceVersion?: unknown } }).metadata;
  return typeof metadata?.resourceVersion === "string" ? metadata.resourceVersion : undefined;
}

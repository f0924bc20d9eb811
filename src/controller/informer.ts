// List-and-watch cache of one resource type, in the spirit of client-go's reflector.
//
// It lists (in pages), then watches from the list's resourceVersion with bookmarks, and resumes a watch that
// ends from the last resourceVersion it saw. A 410 Gone means that version is too old: it lists again and
// reports objects that disappeared meanwhile as deleted. Any other failure (network, 429 while a watch cache
// initializes, 5xx, the API server restarting) is retried with jittered backoff; the informer never gives up.
import type { Logger } from "pino";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { isGone } from "../k8s/errors.ts";
import { kubeObjectSchema, objectKey, objectListSchema, statusSchema, watchEventSchema, type KubeObject } from "../k8s/objects.ts";
import type { KubeRestClient } from "../k8s/rest-client.ts";
import { backoffDelayMs, type BackoffPolicy } from "./backoff.ts";

export interface InformerHandlers {
  onUpsert(key: string, object: KubeObject, previous: KubeObject | undefined): void;
  onDelete(key: string, object: KubeObject): void;
}

export interface InformerOptions {
  readonly client: KubeRestClient;
  /** Collection path, e.g. /apis/group/version/plural or /apis/group/version/namespaces/ns/plural. */
  readonly path: string;
  readonly handlers: InformerHandlers;
  readonly log: Logger;
  readonly pageSize?: number;
  readonly backoff?: BackoffPolicy;
  /** Server-side watch timeout; each watch picks a value between this and twice this, like client-go. */
  readonly watchTimeoutSeconds?: number;
  /**
   * What of each object to keep in the cache (and hand to the handlers), like client-go's TransformFunc: a
   * cache of N objects holds N times whatever this keeps.
   */
  readonly transform?: (object: KubeObject) => KubeObject;
}

/**
 * A transform that keeps only the metadata, without managedFields: enough for keys, resyncs and deciding
 * whether a change needs a reconcile, at a fraction of the memory of whole objects with their status.
 */
export function metadataOnly(object: KubeObject): KubeObject {
  const metadata: Record<string, unknown> & KubeObject["metadata"] = { ...object.metadata };
  delete metadata["managedFields"];
  return { ...(object.apiVersion === undefined ? {} : { apiVersion: object.apiVersion }), ...(object.kind === undefined ? {} : { kind: object.kind }), metadata };
}

type WatchOutcome = "closed" | "gone";

const bookmarkSchema = z.object({ metadata: z.object({ resourceVersion: z.string() }) });

const defaultInformerBackoff: BackoffPolicy = { baseMs: 500, maxMs: 30_000, jitter: 0.5 };

export class Informer {
  readonly #options: InformerOptions;
  readonly #cache = new Map<string, KubeObject>();
  readonly #abort = new AbortController();
  #resourceVersion: string | undefined;
  #synced = false;
  #syncWaiters: (() => void)[] = [];
  #loop: Promise<void> | undefined;

  constructor(options: InformerOptions) {
    this.#options = options;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#loop;
  }

  hasSynced(): boolean {
    return this.#synced;
  }

  /** Resolves once the first list has been loaded into the cache. */
  waitForSync(): Promise<void> {
    if (this.#synced) return Promise.resolve();
    return new Promise((resolveSync) => this.#syncWaiters.push(resolveSync));
  }

  get(key: string): KubeObject | undefined {
    return this.#cache.get(key);
  }

  keys(): string[] {
    return [...this.#cache.keys()];
  }

  get size(): number {
    return this.#cache.size;
  }

  async #run(): Promise<void> {
    const signal = this.#abort.signal;
    const stopped = (): boolean => signal.aborted;
    let failures = 0;
    while (!stopped()) {
      try {
        if (this.#resourceVersion === undefined) await this.#relist(signal);
        const opened = Date.now();
        const outcome = await this.#watchOnce(signal);
        if (outcome === "gone") this.#resourceVersion = undefined;
        // A watch that ends at once, repeatedly, must not become a hot loop.
        failures = Date.now() - opened > 1_000 || outcome === "gone" ? 0 : failures + 1;
        if (failures > 0) await sleep(backoffDelayMs(this.#backoffPolicy(), failures), undefined, { signal });
      } catch (error) {
        if (stopped()) break;
        if (isGone(error)) {
          this.#resourceVersion = undefined;
          continue;
        }
        failures += 1;
        const delayMs = backoffDelayMs(this.#backoffPolicy(), failures);
        this.#options.log.warn({ err: error, path: this.#options.path, delayMs }, "watch failed; retrying");
        await sleep(delayMs, undefined, { signal }).catch(() => undefined);
      }
    }
  }

  #transform(object: KubeObject): KubeObject {
    return this.#options.transform?.(object) ?? object;
  }

  #backoffPolicy(): BackoffPolicy {
    return this.#options.backoff ?? defaultInformerBackoff;
  }

  async #relist(signal: AbortSignal): Promise<void> {
    const fresh = new Map<string, KubeObject>();
    let continueToken: string | undefined;
    let resourceVersion: string | undefined;
    do {
      const page = await this.#options.client.request({
        method: "GET",
        path: this.#options.path,
        query: { limit: this.#options.pageSize ?? 500, continue: continueToken },
        schema: objectListSchema,
        signal,
      });
      for (const item of page.items) fresh.set(objectKey(item.metadata), this.#transform(item));
      continueToken = page.metadata.continue === "" ? undefined : page.metadata.continue;
      resourceVersion = page.metadata.resourceVersion;
    } while (continueToken !== undefined);

    for (const [key, previous] of this.#cache) {
      if (!fresh.has(key)) {
        this.#cache.delete(key);
        this.#options.handlers.onDelete(key, previous);
      }
    }
    for (const [key, object] of fresh) {
      const previous = this.#cache.get(key);
      this.#cache.set(key, object);
      if (previous?.metadata.resourceVersion !== object.metadata.resourceVersion) {
        this.#options.handlers.onUpsert(key, object, previous);
      }
    }
    this.#resourceVersion = resourceVersion;
    this.#markSynced();
  }

  #markSynced(): void {
    if (this.#synced) return;
    this.#synced = true;
    for (const waiter of this.#syncWaiters.splice(0)) waiter();
  }

  async #watchOnce(signal: AbortSignal): Promise<WatchOutcome> {
    const base = this.#options.watchTimeoutSeconds ?? 300;
    const timeoutSeconds = Math.round(base + Math.random() * base);
    const watchAbort = new AbortController();
    const linked = AbortSignal.any([signal, watchAbort.signal]);
    // The server ends the watch after timeoutSeconds; silence well past that means the connection is dead.
    const idle = setTimeout(() => { watchAbort.abort(); }, (timeoutSeconds + 30) * 1000);
    try {
      const response = await this.#options.client.stream({
        path: this.#options.path,
        query: { watch: true, resourceVersion: this.#resourceVersion, allowWatchBookmarks: true, timeoutSeconds },
        signal: linked,
      });
      if (response.body === null) return "closed";
      for await (const line of readLines(response.body, linked)) {
        idle.refresh();
        if (this.#handleLine(line) === "gone") {
          watchAbort.abort();
          return "gone";
        }
      }
      return "closed";
    } catch (error) {
      if (watchAbort.signal.aborted && !signal.aborted) return "closed";
      throw error;
    } finally {
      clearTimeout(idle);
    }
  }

  #handleLine(line: string): WatchOutcome | undefined {
    const event = watchEventSchema.parse(JSON.parse(line));
    if (event.type === "ERROR") {
      const status = statusSchema.parse(event.object);
      if (status.code === 410) return "gone";
      throw new Error(`watch error ${String(status.code)} ${status.reason ?? ""}: ${status.message ?? ""}`);
    }
    if (event.type === "BOOKMARK") {
      // A bookmark carries only the resourceVersion to resume from, not a whole object.
      this.#resourceVersion = bookmarkSchema.parse(event.object).metadata.resourceVersion;
      return undefined;
    }
    const object = this.#transform(kubeObjectSchema.parse(event.object));
    this.#resourceVersion = object.metadata.resourceVersion;
    const key = objectKey(object.metadata);
    if (event.type === "DELETED") {
      this.#cache.delete(key);
      this.#options.handlers.onDelete(key, object);
      return undefined;
    }
    const previous = this.#cache.get(key);
    this.#cache.set(key, object);
    this.#options.handlers.onUpsert(key, object, previous);
    return undefined;
  }
}

async function* readLines(body: ReadableStream<Uint8Array>, signal: AbortSignal): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffered = "";
  const reader = body.getReader();
  const cancel = (): void => { void reader.cancel().catch(() => undefined); };
  signal.addEventListener("abort", cancel, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffered += decoder.decode(value, { stream: true });
      let newline = buffered.indexOf("\n");
      while (newline >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (line.length > 0) yield line;
        newline = buffered.indexOf("\n");
      }
    }
  } finally {
    signal.removeEventListener("abort", cancel);
    reader.releaseLock();
  }
}

// Records Kubernetes Events for notable transitions, aggregating repeats into one Event with a count, so a
// resource that fails the same way every minute does not flood the namespace.
import type { Logger } from "pino";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { contentTypes, type KubeRestClient } from "../k8s/rest-client.ts";
import { rfc3339 } from "./conditions.ts";

export interface ObjectReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
}

export type EventType = "Normal" | "Warning";

export interface EventSink {
  record(object: ObjectReference, type: EventType, reason: string, message: string): void;
}

const eventSchema = z.looseObject({ metadata: z.looseObject({ name: z.string() }), count: z.number().optional() });

interface Recorded {
  readonly name: string;
  count: number;
}

const maxTracked = 4_096;
const maxMessageLength = 1_024;

export class EventRecorder implements EventSink {
  readonly #client: KubeRestClient;
  readonly #component: string;
  readonly #instance: string;
  readonly #log: Logger;
  /** Insertion-ordered, so the oldest entry is evicted first. */
  readonly #recorded = new Map<string, Recorded>();
  #pending: Promise<void> = Promise.resolve();

  constructor(options: { client: KubeRestClient; component: string; instance: string; log: Logger }) {
    this.#client = options.client;
    this.#component = options.component;
    this.#instance = options.instance;
    this.#log = options.log;
  }

  record(object: ObjectReference, type: EventType, reason: string, message: string): void {
    const text = message.length > maxMessageLength ? `${message.slice(0, maxMessageLength - 3)}...` : message;
    // Events are written one at a time, in order, off the caller's path; a failure is logged, never thrown.
    this.#pending = this.#pending
      .then(() => this.#write(object, type, reason, text))
      .catch((error: unknown) => {
        this.#log.warn({ err: error, reason, object: `${object.namespace}/${object.name}` }, "could not record event");
      });
  }

  /** Resolves when every event recorded so far has been written (or has failed). */
  flush(): Promise<void> {
    return this.#pending;
  }

  async #write(object: ObjectReference, type: EventType, reason: string, message: string): Promise<void> {
    const key = [object.uid, type, reason, message].join("\u0000");
    const now = rfc3339(new Date());
    const path = `/api/v1/namespaces/${encodeURIComponent(object.namespace)}/events`;
    const seen = this.#recorded.get(key);
    if (seen !== undefined) {
      seen.count += 1;
      try {
        await this.#client.request({
          method: "PATCH",
          path: `${path}/${seen.name}`,
          contentType: contentTypes.mergePatch,
          body: { count: seen.count, lastTimestamp: now },
          schema: eventSchema,
        });
        return;
      } catch {
        this.#recorded.delete(key); // expired or deleted: start a new one
      }
    }
    const name = `${object.name}.${randomBytes(8).toString("hex")}`;
    await this.#client.request({
      method: "POST",
      path,
      body: {
        metadata: { name, namespace: object.namespace },
        involvedObject: { ...object },
        type,
        reason,
        message,
        count: 1,
        firstTimestamp: now,
        lastTimestamp: now,
        source: { component: this.#component },
        reportingComponent: this.#component,
        reportingInstance: this.#instance,
      },
      schema: eventSchema,
    });
    this.#recorded.set(key, { name, count: 1 });
    if (this.#recorded.size > maxTracked) {
      const oldest = this.#recorded.keys().next().value;
      if (oldest !== undefined) this.#recorded.delete(oldest);
    }
  }
}

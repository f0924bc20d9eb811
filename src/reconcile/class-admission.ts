// Tenancy in the operator: caches of SecuredContentClasses and Namespaces, the admission of each resource by its
// class before any AWS call (the rules themselves are the pure functions of src/tenancy), and a record of which
// resources use which class, for the class's status and for re-reconciling them when the class changes.
import type { Logger } from "pino";
import {
  parseSecuredContentClass,
  securedContentClassResource,
  type SecuredContentBucket,
  type SecuredContentClassSpec,
} from "../api/index.ts";
import { Informer, metadataOnly } from "../controller/informer.ts";
import { PermanentError, TemporaryError } from "../errors.ts";
import type { KubeObject } from "../k8s/objects.ts";
import type { KubeRestClient } from "../k8s/rest-client.ts";
import { deepEqual } from "../util/deep-equal.ts";
import { admit, resolveClass, withClassDefaults, type ClassEntry } from "../tenancy/admission.ts";
import type { ClassGrant } from "./convergence.ts";
import { keyOf } from "./common/context.ts";

const defaultSyncWaitMs = 5_000;

export const classCollectionPath = `/apis/${securedContentClassResource.group}/${securedContentClassResource.version}/${securedContentClassResource.plural}`;
const namespaceCollectionPath = "/api/v1/namespaces";

export interface ClassAdmissionOptions {
  readonly client: KubeRestClient;
  readonly log: Logger;
  /** A class was created, changed (spec or annotations) or deleted: the resources that may use it need a look. */
  readonly onClassChanged?: (className: string) => void;
  /** A namespace's labels changed: its resources need a look, as a class may select it or not any more. */
  readonly onNamespaceChanged?: (namespace: string) => void;
  /** The set of resources using a class changed, so its resourceCount did. */
  readonly onUsageChanged?: (className: string) => void;
  /** How long a reconcile waits for the caches' first list before it is retried instead (default 5 s). */
  readonly syncWaitMs?: number;
}

/** An admitted resource: its spec with the class's defaults, and what the class grants. */
export interface Admitted {
  readonly resource: SecuredContentBucket;
  readonly grant: ClassGrant;
}

/** What the class grants the AWS side: whether consent is needed, and the identity to act as. */
function grantOf(ownerConsent: ClassGrant["ownerConsent"], aws: SecuredContentClassSpec["aws"]): ClassGrant {
  return { ownerConsent, ...(aws?.roleArn === undefined ? {} : { aws: { roleArn: aws.roleArn, externalId: aws.externalId, edgeFunctionRoleArn: aws.edgeFunctionRoleArn } }) };
}

export class ClassAdmission {
  readonly classes: Informer;
  readonly namespaces: Informer;
  readonly #options: ClassAdmissionOptions;
  /** Resource key → the class it resolved to at its last reconcile on this replica. */
  readonly #usage = new Map<string, string>();
  /** One promise for both caches' first list, shared by every waiter. */
  readonly #allSynced: Promise<unknown>;

  constructor(options: ClassAdmissionOptions) {
    this.#options = options;
    this.classes = new Informer({
      client: options.client,
      path: classCollectionPath,
      log: options.log,
      handlers: {
        onUpsert: (key, object, previous) => {
          // Our own status writes change neither the generation nor the annotations.
          if (previous === undefined || classChanged(object, previous)) options.onClassChanged?.(key);
        },
        onDelete: (key) => { options.onClassChanged?.(key); },
      },
    });
    this.namespaces = new Informer({
      client: options.client,
      path: namespaceCollectionPath,
      log: options.log,
      transform: metadataOnly,
      handlers: {
        onUpsert: (key, object, previous) => {
          if (previous !== undefined && !deepEqual(object.metadata.labels, previous.metadata.labels)) options.onNamespaceChanged?.(key);
        },
        onDelete: () => undefined,
      },
    });
    this.#allSynced = Promise.all([this.classes.waitForSync(), this.namespaces.waitForSync()]);
  }

  start(): void {
    this.classes.start();
    this.namespaces.start();
  }

  async stop(): Promise<void> {
    await Promise.all([this.classes.stop(), this.namespaces.stop()]);
  }

  /** Resolves once both caches hold a first list; until then no resource is admitted or refused. */
  async waitForSync(signal: AbortSignal): Promise<void> {
    const aborted = new Promise<never>((_, reject) => {
      if (signal.aborted) reject(signal.reason as Error);
      signal.addEventListener("abort", () => { reject(signal.reason as Error); }, { once: true });
    });
    aborted.catch(() => undefined);
    await Promise.race([this.#allSynced, aborted]);
  }

  /** Every class in the cache, parsed; one that does not parse carries why. */
  classEntries(): ClassEntry[] {
    return this.classes.keys().flatMap((key) => {
      const object = this.classes.get(key);
      return object === undefined ? [] : [classEntryOf(object)];
    });
  }

  /**
   * Admits the resource by its class, or throws a PermanentError with the refusal's reason (NoClass,
   * ClassNotFound, ClassNotAccepted, NotAllowed), which the reconciler reports as Stalled. No AWS call is made
   * before this.
   */
  async admit(raw: KubeObject, resource: SecuredContentBucket, signal: AbortSignal): Promise<Admitted> {
    await this.#synced(signal);
    const namespace = this.namespaces.get(resource.metadata.namespace);
    const admission = admit({ resource, raw, classes: this.classEntries(), namespaceLabels: namespace?.metadata.labels ?? (namespace === undefined ? undefined : {}) });
    this.#recordUse(keyOf(resource), admission.className);
    if (!admission.admitted) {
      if (admission.reason === "NotAllowed") this.#options.log.info({ key: keyOf(resource), className: admission.className, message: admission.message }, "resource not allowed by its class");
      throw new PermanentError(admission.reason, admission.message);
    }
    return { resource: { ...resource, spec: admission.spec }, grant: grantOf(admission.ownerConsent, admission.aws) };
  }

  /**
   * The resource as deletion sees it: with its class's defaults (deletionPolicy may come from the class) when
   * its class resolves and parses, whatever the class's rules say now; as it is otherwise.
   */
  async forDeletion(raw: KubeObject, resource: SecuredContentBucket, signal: AbortSignal): Promise<Partial<Admitted> & Pick<Admitted, "resource">> {
    await this.#synced(signal);
    const resolved = resolveClass(resource.spec.className, this.classEntries());
    if (!("entry" in resolved) || resolved.entry.spec === undefined) return { resource };
    const spec = resolved.entry.spec;
    return { resource: { ...resource, spec: withClassDefaults(resource.spec, spec, raw) }, grant: grantOf(spec.buckets.ownerConsent, spec.aws) };
  }

  /**
   * Waits a moment for the caches' first list (they start with the operator, so this is at most a start-up
   * race), then gives up with a TemporaryError: a worker is never held while, say, the operator's RBAC does not
   * let it list classes (the informer logs each failed list), and the reconcile is retried soon.
   */
  async #synced(signal: AbortSignal): Promise<void> {
    if (this.classes.hasSynced() && this.namespaces.hasSynced()) return;
    const timeout = AbortSignal.timeout(this.#options.syncWaitMs ?? defaultSyncWaitMs);
    try {
      await this.waitForSync(AbortSignal.any([signal, timeout]));
      return;
    } catch (error) {
      if (!timeout.aborted) throw error;
    }
    throw new TemporaryError(
      "ClassesNotSynced",
      "waiting for the first list of SecuredContentClasses and Namespaces (the operator needs get, list and watch on both)",
      { delayMs: 2_000 },
    );
  }

  /** The resource is gone: it no longer counts for its class. */
  forget(key: string): void {
    const previous = this.#usage.get(key);
    if (previous === undefined) return;
    this.#usage.delete(key);
    this.#options.onUsageChanged?.(previous);
  }

  /** How many resources resolved to the class at their last reconcile, allowed or not. */
  resourceCount(className: string): number {
    let count = 0;
    for (const used of this.#usage.values()) if (used === className) count += 1;
    return count;
  }

  #recordUse(key: string, className: string | undefined): void {
    const previous = this.#usage.get(key);
    if (previous === className) return;
    if (className === undefined) this.#usage.delete(key);
    else this.#usage.set(key, className);
    if (previous !== undefined) this.#options.onUsageChanged?.(previous);
    if (className !== undefined) this.#options.onUsageChanged?.(className);
  }
}

export function classEntryOf(object: KubeObject): ClassEntry {
  const parsed = parseSecuredContentClass(object);
  const annotations = object.metadata.annotations;
  if (!parsed.ok) return { name: object.metadata.name, annotations, spec: undefined, invalid: parsed.error.message };
  return { name: object.metadata.name, annotations, spec: parsed.value.spec };
}

function classChanged(object: KubeObject, previous: KubeObject): boolean {
  return (
    object.metadata.generation !== previous.metadata.generation ||
    !deepEqual(object.metadata.annotations, previous.metadata.annotations) ||
    object.metadata.uid !== previous.metadata.uid
  );
}

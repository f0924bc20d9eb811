// Deletes edge functions whose resource is gone. Lambda refuses to delete a function for hours after its
// CloudFront association is removed (its replicas linger), so deletion marks the function and this sweeper,
// on the leader only, retries each marked function with growing backoff until Lambda accepts.
import { DeleteFunctionCommand, ListTagsCommand, paginateListFunctions, type FunctionConfiguration } from "@aws-sdk/client-lambda";
import type { Logger } from "pino";
import type { AwsClients } from "../../aws/clients.ts";
import { AwsError, isAwsError } from "../../aws/errors.ts";
import { backoffDelayMs, type BackoffPolicy } from "../../controller/backoff.ts";
import { edgeFunctionNamePrefix, tagKeys } from "../common/naming.ts";

export interface SweeperOptions {
  readonly aws: AwsClients;
  readonly clusterName: string;
  /**
   * The kube-system namespace's uid: a marked function tagged with another cluster's uid is that cluster's to
   * delete. One marked before the cluster uid existed is matched by CLUSTER_NAME.
   */
  readonly clusterUid?: string;
  readonly log: Logger;
  readonly backoff?: BackoffPolicy;
  readonly now?: () => number;
  /** Called for every function deleted (metric and Event). */
  readonly onDeleted?: (name: string, owner: Readonly<Record<string, string>>) => void;
}

export interface SweepReport {
  readonly deleted: readonly string[];
  /** Marked functions Lambda refused (still replicated), with the delay before the next try. */
  readonly deferred: readonly { readonly name: string; readonly retryInMs: number }[];
}

const maxListPages = 100;
const defaultSweeperBackoff: BackoffPolicy = { baseMs: 5 * 60_000, maxMs: 2 * 3_600_000, jitter: 0.2 };

export class EdgeFunctionSweeper {
  readonly #options: SweeperOptions;
  readonly #attempts = new Map<string, { failures: number; notBefore: number }>();

  constructor(options: SweeperOptions) {
    this.#options = options;
  }

  #ofThisCluster(tags: Readonly<Record<string, string>>): boolean {
    const uid = tags[tagKeys.clusterUid];
    if (uid !== undefined && this.#options.clusterUid !== undefined) return uid === this.#options.clusterUid;
    return tags[tagKeys.cluster] === this.#options.clusterName;
  }

  /** One pass over the operator's functions in us-east-1. */
  async sweepOnce(signal: AbortSignal = new AbortController().signal): Promise<SweepReport> {
    const deleted: string[] = [];
    const deferred: { name: string; retryInMs: number }[] = [];
    for (const fn of await this.#ownFunctions(signal)) {
      const name = fn.FunctionName ?? "";
      const due = this.#attempts.get(name);
      if (due !== undefined && due.notBefore > this.#now()) continue;
      // The marker is read again right before deleting: a new resource of the same name may have adopted it.
      const tags = await this.#tags(fn.FunctionArn ?? "", signal);
      if (tags[tagKeys.pendingDeletion] === undefined || !this.#ofThisCluster(tags)) {
        this.#attempts.delete(name);
        continue;
      }
      const outcome = await this.#tryDelete(name, signal);
      if (outcome === "deleted") {
        deleted.push(name);
        this.#attempts.delete(name);
        this.#options.log.info({ function: name, owner: tags[tagKeys.owner] }, "deleted edge function");
        this.#options.onDeleted?.(name, tags);
      } else {
        const failures = (due?.failures ?? 0) + 1;
        const retryInMs = backoffDelayMs(this.#options.backoff ?? defaultSweeperBackoff, failures);
        this.#attempts.set(name, { failures, notBefore: this.#now() + retryInMs });
        deferred.push({ name, retryInMs });
      }
    }
    return { deleted, deferred };
  }

  /** Sweeps every `intervalMs` until the signal aborts; a failed pass is logged and the loop goes on. */
  async run(intervalMs: number, signal: AbortSignal): Promise<void> {
    const stopped = (): boolean => signal.aborted;
    while (!stopped()) {
      try {
        await this.sweepOnce(signal);
      } catch (error) {
        if (!stopped()) this.#options.log.warn({ err: error }, "edge function sweep failed");
      }
      await new Promise<void>((resolveWait) => {
        const timer = setTimeout(resolveWait, intervalMs);
        signal.addEventListener("abort", () => { clearTimeout(timer); resolveWait(); }, { once: true });
      });
    }
  }

  #now(): number {
    return this.#options.now?.() ?? Date.now();
  }

  async #ownFunctions(signal: AbortSignal): Promise<FunctionConfiguration[]> {
    const found: FunctionConfiguration[] = [];
    let pages = 0;
    for await (const page of paginateListFunctions({ client: this.#options.aws.lambda(), pageSize: 50 }, {})) {
      signal.throwIfAborted();
      found.push(...(page.Functions ?? []).filter((f) => f.FunctionName?.startsWith(edgeFunctionNamePrefix) === true));
      pages += 1;
      if (pages >= maxListPages) break;
    }
    return found;
  }

  async #tags(arn: string, signal: AbortSignal): Promise<Record<string, string>> {
    return (await this.#options.aws.lambda().send(new ListTagsCommand({ Resource: arn }), { abortSignal: signal })).Tags ?? {};
  }

  async #tryDelete(name: string, signal: AbortSignal): Promise<"deleted" | "refused"> {
    try {
      await this.#options.aws.lambda().send(new DeleteFunctionCommand({ FunctionName: name }), { abortSignal: signal });
      return "deleted";
    } catch (error) {
      if (isAwsError(error, "NotFound")) return "deleted";
      // "Lambda was unable to delete ... because it is a replicated function": expected for hours.
      if (error instanceof AwsError && (error.code === "InvalidRequest" || error.code === "Conflict" || !error.permanent)) {
        this.#options.log.info({ function: name, reason: error.awsCode }, "edge function not deletable yet");
        return "refused";
      }
      throw error;
    }
  }
}

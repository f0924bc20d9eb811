// Deletes edge functions whose resource is gone. Lambda refuses to delete a function for hours after its
// CloudFront association is removed (its replicas linger), so deletion marks the function and this sweeper,
// on the leader only, retries each marked function with growing backoff until Lambda accepts.
import { DeleteFunctionCommand, ListTagsCommand, paginateListFunctions, type FunctionConfiguration, type LambdaClient } from "@aws-sdk/client-lambda";
import type { Logger } from "pino";
import type { AwsClients } from "../../aws/clients.ts";
import { AwsError, isAwsError } from "../../aws/errors.ts";
import { backoffDelayMs, type BackoffPolicy } from "../../controller/backoff.ts";
import { edgeFunctionNamePrefix, tagKeys } from "../common/naming.ts";

export interface SweeperOptions {
  /** The clients to sweep with: one account, or every account the operator acts in (read at each pass). */
  readonly aws: AwsClients | (() => readonly AwsClients[]);
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

  /** One pass over the operator's functions in us-east-1, in every account it acts in. */
  async sweepOnce(signal: AbortSignal = new AbortController().signal): Promise<SweepReport> {
    const deleted: string[] = [];
    const deferred: { name: string; retryInMs: number }[] = [];
    const { aws } = this.#options;
    const accounts = typeof aws === "function" ? aws() : [aws];
    for (const [index, clients] of accounts.entries()) {
      try {
        await this.#sweepAccount(clients.lambda(), signal, deleted, deferred);
      } catch (error) {
        // One account's failure (say, a role STS no longer lets the operator assume) does not stop the others.
        if (accounts.length === 1 || signal.aborted) throw error;
        this.#options.log.warn({ err: error, account: index }, "edge function sweep failed in one account");
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

  async #sweepAccount(lambda: LambdaClient, signal: AbortSignal, deleted: string[], deferred: { name: string; retryInMs: number }[]): Promise<void> {
    for (const fn of await this.#ownFunctions(lambda, signal)) {
      const name = fn.FunctionName ?? "";
      // Keyed by ARN, which names the account: the same name may exist in two accounts.
      const key = fn.FunctionArn ?? name;
      const due = this.#attempts.get(key);
      if (due !== undefined && due.notBefore > this.#now()) continue;
      // The marker is read again right before deleting: a new resource of the same name may have adopted it.
      const tags = await this.#tags(lambda, fn.FunctionArn ?? "", signal);
      if (tags[tagKeys.pendingDeletion] === undefined || !this.#ofThisCluster(tags)) {
        this.#attempts.delete(key);
        continue;
      }
      const outcome = await this.#tryDelete(lambda, name, signal);
      if (outcome === "deleted") {
        deleted.push(name);
        this.#attempts.delete(key);
        this.#options.log.info({ function: name, owner: tags[tagKeys.owner] }, "deleted edge function");
        this.#options.onDeleted?.(name, tags);
      } else {
        const failures = (due?.failures ?? 0) + 1;
        const retryInMs = backoffDelayMs(this.#options.backoff ?? defaultSweeperBackoff, failures);
        this.#attempts.set(key, { failures, notBefore: this.#now() + retryInMs });
        deferred.push({ name, retryInMs });
      }
    }
  }

  async #ownFunctions(lambda: LambdaClient, signal: AbortSignal): Promise<FunctionConfiguration[]> {
    const found: FunctionConfiguration[] = [];
    let pages = 0;
    for await (const page of paginateListFunctions({ client: lambda, pageSize: 50 }, {})) {
      signal.throwIfAborted();
      found.push(...(page.Functions ?? []).filter((f) => f.FunctionName?.startsWith(edgeFunctionNamePrefix) === true));
      pages += 1;
      if (pages >= maxListPages) break;
    }
    return found;
  }

  async #tags(lambda: LambdaClient, arn: string, signal: AbortSignal): Promise<Record<string, string>> {
    return (await lambda.send(new ListTagsCommand({ Resource: arn }), { abortSignal: signal })).Tags ?? {};
  }

  async #tryDelete(lambda: LambdaClient, name: string, signal: AbortSignal): Promise<"deleted" | "refused"> {
    try {
      await lambda.send(new DeleteFunctionCommand({ FunctionName: name }), { abortSignal: signal });
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

// Brings AWS to a SecuredContentBucket's spec, in DESIGN order: claim, Block Public Access, origin access
// control, edge function, distribution, bucket policy, export. A full pass runs every step; between full
// passes (FULL_RESYNC_SECONDS), an exposure pass re-reads only what decides exposure: the claim, Block Public
// Access and the bucket policy.
import type { SecuredContentBucket } from "../api/index.ts";
import type { AwsClients } from "../aws/clients.ts";
import type { ConditionUpdate, Progress } from "../controller/conditions.ts";
import type { KubeRestClient } from "../k8s/rest-client.ts";
import type { CleanupResult, Convergence, ConvergenceResult } from "./convergence.ts";
import { asReconcileError } from "./errors.ts";
import { ensureBlockPublicAccess, ensureBucketPolicy } from "./steps/bucket-exposure.ts";
import { claimBucket } from "./steps/claim.ts";
import { inSync, ownerOf, type OperatorSettings, type StepContext } from "./steps/context.ts";
import { ensureDistribution } from "./steps/distribution.ts";
import { ensureEdgeFunction } from "./steps/edge-function.ts";
import { ensureExportConfigMap } from "./steps/export.ts";
import { ensureOriginAccessControl } from "./steps/origin-access-control.ts";

export interface AwsConvergenceOptions {
  readonly aws: AwsClients;
  readonly kube: KubeRestClient;
  readonly settings: OperatorSettings;
  readonly fullResyncMs: number;
  /** How soon to look again while CloudFront deploys. */
  readonly deployingRequeueMs: number;
  readonly cleanUp: (ctx: StepContext) => Promise<CleanupResult>;
  readonly now?: () => number;
}

interface LastFullPass {
  readonly uid: string;
  readonly generation: number;
  readonly at: number;
}

export class AwsConvergence implements Convergence {
  readonly #options: AwsConvergenceOptions;
  /** When each resource last had a full pass that ended Ready; an exposure pass is enough until it is due. */
  readonly #lastFull = new Map<string, LastFullPass>();

  constructor(options: AwsConvergenceOptions) {
    this.#options = options;
  }

  async converge(resource: SecuredContentBucket, signal: AbortSignal): Promise<ConvergenceResult> {
    try {
      return await this.#converge(resource, signal);
    } catch (error) {
      throw asReconcileError(error);
    }
  }

  async cleanUp(resource: SecuredContentBucket, signal: AbortSignal): Promise<CleanupResult> {
    this.#lastFull.delete(`${resource.metadata.namespace}/${resource.metadata.name}`);
    try {
      return await this.#options.cleanUp(this.#context(resource, signal));
    } catch (error) {
      throw asReconcileError(error);
    }
  }

  async #converge(resource: SecuredContentBucket, signal: AbortSignal): Promise<ConvergenceResult> {
    const ctx = this.#context(resource, signal);
    await claimBucket(ctx);
    const arn = resource.status?.distribution?.arn;
    if (arn !== undefined && this.#exposurePassSuffices(resource)) return this.#exposurePass(ctx, arn);
    const result = await this.#fullPass(ctx);
    const key = `${resource.metadata.namespace}/${resource.metadata.name}`;
    if (result.progress.state === "ready") {
      this.#lastFull.set(key, { uid: resource.metadata.uid, generation: resource.metadata.generation, at: this.#now() });
    } else {
      this.#lastFull.delete(key);
    }
    return result;
  }

  #context(resource: SecuredContentBucket, signal: AbortSignal): StepContext {
    const { aws, settings } = this.#options;
    return { resource, owner: ownerOf(resource, settings.clusterName), aws, settings, signal, notices: [] };
  }

  #now(): number {
    return this.#options.now?.() ?? Date.now();
  }

  #exposurePassSuffices(resource: SecuredContentBucket): boolean {
    const last = this.#lastFull.get(`${resource.metadata.namespace}/${resource.metadata.name}`);
    const ready = resource.status?.conditions?.find((c) => c.type === "Ready")?.status === "True";
    return (
      ready &&
      last !== undefined &&
      last.uid === resource.metadata.uid &&
      last.generation === resource.metadata.generation &&
      this.#now() - last.at < this.#options.fullResyncMs
    );
  }

  async #exposurePass(ctx: StepContext, distributionArn: string): Promise<ConvergenceResult> {
    const generation = ctx.resource.metadata.generation;
    await ensureBlockPublicAccess(ctx);
    await ensureBucketPolicy(ctx, distributionArn);
    return {
      steps: [inSync("BucketSecured", "Block Public Access is on and only the distribution may read", generation)],
      fields: {},
      progress: { state: "ready", reason: "Ready", message: readyMessage(ctx.resource) },
      notices: ctx.notices,
    };
  }

  async #fullPass(ctx: StepContext): Promise<ConvergenceResult> {
    const { resource } = ctx;
    const generation = resource.metadata.generation;
    const status = resource.status;
    await ensureBlockPublicAccess(ctx);
    const oac = await ensureOriginAccessControl(ctx, status?.originAccessControlId === undefined ? {} : { id: status.originAccessControlId });
    const deployedVersion = status?.edgeFunction?.version;
    const referenced = status?.edgeFunction === undefined || deployedVersion === undefined ? [] : [`${status.edgeFunction.arn}:${deployedVersion}`];
    const edge = await ensureEdgeFunction(ctx, { referencedVersionArns: referenced });
    const steps: ConditionUpdate[] = [oac.condition, edge.condition];
    const fields: Record<string, unknown> = {
      originAccessControlId: oac.value.id,
      edgeFunction: { name: edge.value.name, arn: edge.value.arn, version: edge.value.version, codeSha256: edge.value.codeSha256 },
    };
    if (edge.condition.status !== "True") {
      return this.#reconciling(ctx, steps, fields, { reason: edge.condition.reason, message: edge.condition.message });
    }
    const distribution = await ensureDistribution(ctx, {
      originAccessControlId: oac.value.id,
      viewerRequestFunctionArn: edge.value.versionArn,
      ...(status?.distribution?.id === undefined ? {} : { knownId: status.distribution.id }),
    });
    await ensureBucketPolicy(ctx, distribution.value.arn);
    steps.push(distribution.condition, inSync("BucketSecured", "Block Public Access is on and only the distribution may read", generation));
    const url = `https://${distribution.value.domainName}`;
    fields["url"] = url;
    fields["distribution"] = { ...distribution.value };
    ctx.notices.push(
      ...(await ensureExportConfigMap(this.#options.kube, resource, {
        url,
        domainName: distribution.value.domainName,
        distributionId: distribution.value.id,
        distributionArn: distribution.value.arn,
      })),
    );
    if (distribution.condition.status !== "True") {
      return this.#reconciling(ctx, steps, fields, { reason: distribution.condition.reason, message: distribution.condition.message });
    }
    return { steps, fields, progress: { state: "ready", reason: "Ready", message: readyMessage(resource) }, notices: ctx.notices };
  }

  #reconciling(
    ctx: StepContext,
    steps: readonly ConditionUpdate[],
    fields: Readonly<Record<string, unknown>>,
    why: { reason: string; message: string },
  ): ConvergenceResult {
    const progress: Progress = { state: "reconciling", reason: why.reason, message: why.message };
    return { steps, fields, progress, requeueAfterMs: this.#options.deployingRequeueMs, notices: ctx.notices };
  }
}

function readyMessage(resource: SecuredContentBucket): string {
  return `serving bucket ${resource.spec.bucket.name} to members of ${resource.spec.auth.requiredGroups.join(", ")}`;
}

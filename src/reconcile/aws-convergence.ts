// Brings AWS to a SecuredContentBucket's spec, in DESIGN order: claim, Block Public Access, origin access
// control, edge function, distribution, bucket policy, export. A full pass runs every step; between full
// passes (FULL_RESYNC_SECONDS), an exposure pass re-reads only what decides exposure: the claim, Block Public
// Access and the bucket policy. While CloudFront deploys a distribution that a full pass of this generation
// left otherwise in sync, a deploying pass re-reads the distribution, not the origin access control and the
// edge function (which would also repackage the function on every requeue), and exposure only once half an
// exposure interval has passed since it was last read: requeues come every DEPLOYING_REQUEUE_SECONDS, and
// re-reading exposure on each would multiply the S3 reads of a deploying resource.
import type { SecuredContentBucket } from "../api/index.ts";
import type { AwsClients } from "../aws/clients.ts";
import type { ConditionUpdate, Progress } from "../controller/conditions.ts";
import type { KubeRestClient } from "../k8s/rest-client.ts";
import type { CleanupResult, Convergence, ConvergenceResult } from "./convergence.ts";
import { asReconcileError } from "./errors.ts";
import { NameIndex } from "./name-index.ts";
import { ensureBlockPublicAccess, ensureBucketPolicy } from "./steps/bucket-exposure.ts";
import { claimBucket } from "./steps/claim.ts";
import { inSync, ownerOf, type OperatorSettings, type StepContext } from "./steps/context.ts";
import { distributionConditionType, ensureDistribution, type DistributionState } from "./steps/distribution.ts";
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
  /** EXPOSURE_RESYNC_SECONDS; without it, every deploying pass re-reads exposure. */
  readonly exposureResyncMs?: number;
  readonly cleanUp: (ctx: StepContext) => Promise<CleanupResult>;
  readonly now?: () => number;
}

interface LastFullPass {
  readonly uid: string;
  readonly generation: number;
  readonly at: number;
  /** Ready, or in sync except for a distribution still deploying. */
  readonly outcome: "ready" | "deploying";
  /** When the claim, Block Public Access and the bucket policy were last read. */
  readonly exposureReadAt: number;
}

export class AwsConvergence implements Convergence {
  readonly #options: AwsConvergenceOptions;
  /**
   * When each resource last had a full pass that ended Ready (an exposure pass is enough until the next is due)
   * or only waiting for CloudFront to deploy (a deploying pass is enough until then).
   */
  readonly #lastFull = new Map<string, LastFullPass>();
  readonly #originAccessControls: NameIndex;

  constructor(options: AwsConvergenceOptions) {
    this.#options = options;
    this.#originAccessControls = new NameIndex({ maxAgeMs: options.fullResyncMs, ...(options.now === undefined ? {} : { now: options.now }) });
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
    const key = `${resource.metadata.namespace}/${resource.metadata.name}`;
    const deploying = this.#deployingPassInputs(resource);
    if (deploying !== undefined) {
      try {
        return await this.#deployingPass(ctx, deploying);
      } catch (error) {
        this.#lastFull.delete(key); // the retry runs a full pass
        throw error;
      }
    }
    await claimBucket(ctx);
    const arn = resource.status?.distribution?.arn;
    if (arn !== undefined && this.#exposurePassSuffices(resource)) return this.#exposurePass(ctx, arn);
    const result = await this.#fullPass(ctx);
    const outcome = result.progress.state === "ready" ? "ready" : deployingOnly(result) ? "deploying" : undefined;
    const now = this.#now();
    if (outcome === undefined) this.#lastFull.delete(key);
    else this.#lastFull.set(key, { uid: resource.metadata.uid, generation: resource.metadata.generation, at: now, outcome, exposureReadAt: now });
    return result;
  }

  #context(resource: SecuredContentBucket, signal: AbortSignal): StepContext {
    const { aws, settings } = this.#options;
    return { resource, owner: ownerOf(resource, settings.clusterName), aws, settings, signal, notices: [], originAccessControls: this.#originAccessControls };
  }

  /** The last full pass of this very object and generation, if it is recent enough to build on. */
  #recentFullPass(resource: SecuredContentBucket): LastFullPass | undefined {
    const last = this.#lastFull.get(`${resource.metadata.namespace}/${resource.metadata.name}`);
    const current =
      last !== undefined &&
      last.uid === resource.metadata.uid &&
      last.generation === resource.metadata.generation &&
      this.#now() - last.at < this.#options.fullResyncMs;
    return current ? last : undefined;
  }

  #now(): number {
    return this.#options.now?.() ?? Date.now();
  }

  #exposurePassSuffices(resource: SecuredContentBucket): boolean {
    const ready = resource.status?.conditions?.find((c) => c.type === "Ready")?.status === "True";
    return ready && this.#recentFullPass(resource)?.outcome === "ready";
  }

  /** What a deploying pass needs from status, when the last full pass left only the deployment to wait for. */
  #deployingPassInputs(resource: SecuredContentBucket): DeployingInputs | undefined {
    const status = resource.status;
    const distributionId = status?.distribution?.id;
    const originAccessControlId = status?.originAccessControlId;
    const edge = status?.edgeFunction;
    if (distributionId === undefined || originAccessControlId === undefined || edge?.arn === undefined || edge.version === undefined) return undefined;
    if (this.#recentFullPass(resource)?.outcome !== "deploying") return undefined;
    return { distributionId, originAccessControlId, viewerRequestFunctionArn: `${edge.arn}:${edge.version}` };
  }

  /**
   * The distribution (and the export) of a resource whose other parts a recent full pass found in sync, and
   * exposure when it is due or when the distribution was replaced (the policy must name the new one).
   */
  async #deployingPass(ctx: StepContext, inputs: DeployingInputs): Promise<ConvergenceResult> {
    const { resource } = ctx;
    const key = `${resource.metadata.namespace}/${resource.metadata.name}`;
    const exposureDue = this.#exposureDue(key);
    if (exposureDue) {
      await claimBucket(ctx);
      await ensureBlockPublicAccess(ctx);
    }
    const distribution = await ensureDistribution(ctx, {
      originAccessControlId: inputs.originAccessControlId,
      viewerRequestFunctionArn: inputs.viewerRequestFunctionArn,
      knownId: inputs.distributionId,
    });
    const readExposure = exposureDue || distribution.value.arn !== resource.status?.distribution?.arn;
    if (readExposure) {
      if (!exposureDue) await claimBucket(ctx);
      await ensureBucketPolicy(ctx, distribution.value.arn);
    }
    const generation = resource.metadata.generation;
    const steps: ConditionUpdate[] = [distribution.condition];
    if (readExposure) steps.push(inSync("BucketSecured", "Block Public Access is on and only the distribution may read", generation));
    const fields = await this.#addressFields(ctx, distribution.value);
    const last = this.#lastFull.get(key);
    const deployed = distribution.condition.status === "True";
    if (last !== undefined) {
      this.#lastFull.set(key, { ...last, outcome: deployed ? "ready" : "deploying", exposureReadAt: exposureDue ? this.#now() : last.exposureReadAt });
    }
    if (!deployed) return this.#reconciling(ctx, steps, fields, { reason: distribution.condition.reason, message: distribution.condition.message });
    return { steps, fields, progress: { state: "ready", reason: "Ready", message: readyMessage(resource) }, notices: ctx.notices };
  }

  /**
   * Whether a deploying pass must re-read exposure: once half an exposure interval has passed since the last
   * read, so that with requeues no longer than half the interval, exposure is read at least once per interval.
   */
  #exposureDue(key: string): boolean {
    const interval = this.#options.exposureResyncMs;
    const last = this.#lastFull.get(key);
    return interval === undefined || last === undefined || this.#now() - last.exposureReadAt >= interval / 2;
  }

  /** Status fields for the distribution's address, also exported to the ConfigMap when the spec asks for it. */
  async #addressFields(ctx: StepContext, distribution: DistributionState): Promise<Record<string, unknown>> {
    const url = `https://${distribution.domainName}`;
    ctx.notices.push(
      ...(await ensureExportConfigMap(this.#options.kube, ctx.resource, {
        url,
        domainName: distribution.domainName,
        distributionId: distribution.id,
        distributionArn: distribution.arn,
      })),
    );
    return { url, distribution: { ...distribution } };
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
    Object.assign(fields, await this.#addressFields(ctx, distribution.value));
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

interface DeployingInputs {
  readonly distributionId: string;
  readonly originAccessControlId: string;
  readonly viewerRequestFunctionArn: string;
}

/** A full pass that found everything in sync and is only waiting for CloudFront to deploy. */
function deployingOnly(result: ConvergenceResult): boolean {
  const distribution = result.steps.find((step) => step.type === distributionConditionType);
  return distribution?.status === "False" && distribution.reason === "Deploying" && result.steps.every((step) => step === distribution || step.status === "True");
}

function readyMessage(resource: SecuredContentBucket): string {
  return `serving bucket ${resource.spec.bucket.name} to members of ${resource.spec.auth.requiredGroups.join(", ")}`;
}

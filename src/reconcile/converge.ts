// Brings AWS to a SecuredContentBucket's spec by running the concerns in order: claim the bucket, Block Public
// Access, origin access control, edge function, distribution, bucket policy, then the address export. Which of
// them run depends on the pass (passes.ts): a full pass runs all of them, an exposure pass re-reads the claim,
// Block Public Access and the policy, and a deploying pass the distribution (and exposure when it is due).
// This file only orders the concerns and passes facts between them; each concern lives in its own folder.
import { conditionTypes, type SecuredContentBucket } from "../api/index.ts";
import type { AwsClients } from "../aws/clients.ts";
import { hasAwsCode } from "../aws/errors.ts";
import { TemporaryError } from "../errors.ts";
import type { ConditionUpdate, Progress } from "../controller/conditions.ts";
import type { KubeRestClient } from "../k8s/rest-client.ts";
import { ensureExportConfigMap } from "./address-export.ts";
import { claimBucket } from "./bucket/claim.ts";
import { requireBucketConsent } from "./bucket/consent.ts";
import { checkEncryption } from "./bucket/encryption.ts";
import { ensureBlockPublicAccess, ensureBucketPolicy } from "./bucket/exposure.ts";
import type { ClassGrant, Convergence, ConvergenceResult, ObservedFields, RetireResult } from "./convergence.ts";
import { ensureDistribution } from "./distribution/ensure.ts";
import { ensureEdgeFunction } from "./edge-function/ensure.ts";
import { ensureOriginAccessControl } from "./origin-access-control/ensure.ts";
import { choosePass, PassHistory, type DeployingInputs } from "./passes.ts";
import { retireAws } from "./retire.ts";
import { inSync, ownerOf, type OperatorSettings, type StepContext } from "./common/context.ts";
import { NameIndex } from "./common/name-index.ts";
import type { DistributionStatus } from "../api/index.ts";

export interface AwsConvergenceOptions {
  readonly aws: AwsClients;
  readonly kube: KubeRestClient;
  readonly settings: OperatorSettings;
  readonly fullResyncMs: number;
  /** How soon to look again while CloudFront deploys. */
  readonly deployingRequeueMs: number;
  readonly exposureResyncMs: number;
  readonly now?: () => number;
}

export class AwsConvergence implements Convergence {
  readonly #options: AwsConvergenceOptions;
  readonly #history = new PassHistory();
  readonly #originAccessControls: NameIndex;
  readonly #fullSharedOriginAccessControls = new Set<number>();

  constructor(options: AwsConvergenceOptions) {
    this.#options = options;
    this.#originAccessControls = new NameIndex({ maxAgeMs: options.fullResyncMs, ...(options.now === undefined ? {} : { now: options.now }) });
  }

  async converge(resource: SecuredContentBucket, signal: AbortSignal, grant?: ClassGrant): Promise<ConvergenceResult> {
    const ctx = { ...this.#context(resource, signal), ownerConsent: grant?.ownerConsent ?? "Required" };
    const { fullResyncMs, exposureResyncMs } = this.#options;
    const pass = choosePass(resource, this.#history.get(resource), { now: this.#now(), fullResyncMs, exposureResyncMs });
    try {
      if (pass.kind === "deploying") return await this.#deployingPass(ctx, pass.inputs, pass.exposureDue);
      await requireBucketConsent(ctx);
      await claimBucket(ctx);
      if (pass.kind === "exposure") return await this.#exposurePass(ctx, pass.distributionArn);
      const result = await this.#fullPass(ctx);
      this.#history.recordFullPass(resource, result.progress.state === "ready" ? "ready" : deployingOnly(result) ? "deploying" : undefined, this.#now());
      return result;
    } catch (error) {
      if (pass.kind === "deploying") this.#history.forget(resource); // the retry runs a full pass
      throw error;
    }
  }

  async retire(resource: SecuredContentBucket, signal: AbortSignal): Promise<RetireResult> {
    this.#history.forget(resource);
    return retireAws(this.#context(resource, signal), { deployingRequeueMs: this.#options.deployingRequeueMs });
  }

  #context(resource: SecuredContentBucket, signal: AbortSignal): StepContext {
    const { aws, settings } = this.#options;
    return {
      resource,
      owner: ownerOf(resource, settings.clusterName),
      aws,
      settings,
      signal,
      notices: [],
      originAccessControls: this.#originAccessControls,
      fullSharedOriginAccessControls: this.#fullSharedOriginAccessControls,
    };
  }

  #now(): number {
    return this.#options.now?.() ?? Date.now();
  }

  /**
   * The distribution (and the export) of a resource whose other concerns a recent full pass found in sync, and
   * exposure when it is due or when the distribution was replaced (the policy must name the new one).
   */
  async #deployingPass(ctx: StepContext, inputs: DeployingInputs, exposureDue: boolean): Promise<ConvergenceResult> {
    const { resource } = ctx;
    if (exposureDue) {
      await requireBucketConsent(ctx);
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
      if (!exposureDue) {
        await requireBucketConsent(ctx);
        await claimBucket(ctx);
      }
      await ensureBucketPolicy(ctx, distribution.value.arn);
    }
    const conditions: ConditionUpdate[] = [distribution.condition];
    if (readExposure) conditions.push(bucketSecured(resource));
    const fields = await this.#addressFields(ctx, distribution.value);
    const deployed = distribution.condition.status === "True";
    this.#history.recordDeployingPass(resource, deployed, exposureDue ? this.#now() : undefined);
    if (!deployed) return this.#reconciling(ctx, conditions, fields, distribution.condition);
    return { conditions, fields, progress: readyProgress(resource), notices: ctx.notices };
  }

  async #exposurePass(ctx: StepContext, distributionArn: string): Promise<ConvergenceResult> {
    await ensureBlockPublicAccess(ctx);
    await ensureBucketPolicy(ctx, distributionArn);
    return { conditions: [bucketSecured(ctx.resource)], fields: {}, progress: readyProgress(ctx.resource), notices: ctx.notices };
  }

  async #fullPass(ctx: StepContext): Promise<ConvergenceResult> {
    const { resource } = ctx;
    const status = resource.status;
    await ensureBlockPublicAccess(ctx);
    const inUse = status?.distribution?.id !== undefined;
    const oac = await ensureOriginAccessControl(ctx, status?.originAccessControlId === undefined ? { inUse } : { id: status.originAccessControlId, inUse });
    const deployedVersion = status?.edgeFunction?.version;
    const referenced = status?.edgeFunction === undefined || deployedVersion === undefined ? [] : [`${status.edgeFunction.arn}:${deployedVersion}`];
    const edge = await ensureEdgeFunction(ctx, { referencedVersionArns: referenced });
    const conditions: ConditionUpdate[] = [oac.condition, edge.condition];
    const fields: ObservedFields = {
      originAccessControlId: oac.value.id,
      edgeFunction: { name: edge.value.name, arn: edge.value.arn, version: edge.value.version, codeSha256: edge.value.codeSha256 },
    };
    if (edge.condition.status !== "True") return this.#reconciling(ctx, conditions, fields, edge.condition);
    const distribution = await this.#onOpenOriginAccessControl(oac.value.sharedIndex, () =>
      ensureDistribution(ctx, {
        originAccessControlId: oac.value.id,
        viewerRequestFunctionArn: edge.value.versionArn,
        ...(status?.distribution?.id === undefined ? {} : { knownId: status.distribution.id }),
      }),
    );
    await ensureBucketPolicy(ctx, distribution.value.arn);
    conditions.push(distribution.condition, bucketSecured(resource), await checkEncryption(ctx, distribution.value.arn));
    Object.assign(fields, await this.#addressFields(ctx, distribution.value));
    if (distribution.condition.status !== "True") return this.#reconciling(ctx, conditions, fields, distribution.condition);
    return { conditions, fields, progress: readyProgress(resource), notices: ctx.notices };
  }

  /**
   * Runs `work`, which associates a distribution with the shared OAC number `index`. When CloudFront says that
   * OAC already serves as many distributions as its quota allows, the number is remembered as full and the
   * reconcile is retried soon, on the next one.
   */
  async #onOpenOriginAccessControl<T>(index: number | undefined, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (index === undefined || !hasAwsCode(error, "TooManyDistributionsAssociatedToOriginAccessControl")) throw error;
      this.#fullSharedOriginAccessControls.add(index);
      throw new TemporaryError("OriginAccessControlFull", `shared origin access control ${String(index)} serves as many distributions as CloudFront allows; moving to the next one`, {
        cause: error,
        delayMs: 1_000,
      });
    }
  }

  /** Status fields for the distribution's address, also exported to the ConfigMap when the spec asks for it. */
  async #addressFields(ctx: StepContext, distribution: DistributionStatus): Promise<ObservedFields> {
    const url = `https://${distribution.domainName}`;
    const address = { url, domainName: distribution.domainName, distributionId: distribution.id, distributionArn: distribution.arn };
    ctx.notices.push(...(await ensureExportConfigMap(this.#options.kube, ctx.resource, address)));
    return { url, distribution: { ...distribution } };
  }

  #reconciling(ctx: StepContext, conditions: readonly ConditionUpdate[], fields: ObservedFields, why: ConditionUpdate): ConvergenceResult {
    const progress: Progress = { state: "reconciling", reason: why.reason, message: why.message };
    return { conditions, fields, progress, requeueAfterMs: this.#options.deployingRequeueMs, notices: ctx.notices };
  }
}

function bucketSecured(resource: SecuredContentBucket): ConditionUpdate {
  return inSync(conditionTypes.bucketSecured, "Block Public Access is on and only the distribution may read", resource.metadata.generation);
}

/** A full pass that found everything in sync and is only waiting for CloudFront to deploy. */
function deployingOnly(result: ConvergenceResult): boolean {
  const distribution = result.conditions.find((condition) => condition.type === conditionTypes.distributionDeployed);
  return (
    distribution?.status === "False" &&
    distribution.reason === "Deploying" &&
    result.conditions.every((condition) => condition === distribution || condition.status === "True" || condition.type === conditionTypes.encryptionCompatible)
  );
}

function readyProgress(resource: SecuredContentBucket): Progress {
  return { state: "ready", reason: "Ready", message: `serving bucket ${resource.spec.bucket.name} to members of ${resource.spec.auth.requiredGroups.join(", ")}` };
}

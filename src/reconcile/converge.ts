// Brings AWS to a SecuredContentBucket's spec by running the concerns in order: claim the bucket, Block Public
// Access, origin access control, edge function, response headers policy, distribution, bucket policy, then the
// address export. Which of
// them run depends on the pass (passes.ts): a full pass runs all of them, an exposure pass re-reads the claim,
// Block Public Access and the policy, and a deploying pass the distribution (and exposure when it is due).
// This file only orders the concerns and passes facts between them; each concern lives in its own folder.
import { conditionTypes, type SecuredContentBucket } from "../api/index.ts";
import type { AwsAccounts } from "../aws/accounts.ts";
import { identityKey } from "../aws/assume-role.ts";
import { hasAwsCode } from "../aws/errors.ts";
import { TemporaryError } from "../errors.ts";
import type { ConditionUpdate, Progress } from "../controller/conditions.ts";
import type { KubeRestClient } from "../k8s/rest-client.ts";
import { ensureExportConfigMap } from "./address-export.ts";
import { claimBucket } from "./bucket/claim.ts";
import { checkEncryption } from "./bucket/encryption.ts";
import { ensureBlockPublicAccess, ensureBucketPolicy, otherReadersMessage, type BucketPolicyOutcome } from "./bucket/exposure.ts";
import type { ClassGrant, Convergence, ConvergenceResult, ObservedFields, RetireResult } from "./convergence.ts";
import { ensureDistribution } from "./distribution/ensure.ts";
import { ensureEdgeFunction } from "./edge-function/ensure.ts";
import { ensureOriginAccessControl } from "./origin-access-control/ensure.ts";
import { ensureResponseHeadersPolicy, onOpenResponseHeadersPolicy } from "./response-headers-policy/ensure.ts";
import { releasePreviousResponseHeadersPolicy } from "./response-headers-policy/retire.ts";
import { choosePass, PassHistory, type DeployingInputs, type VerifiedIds } from "./passes.ts";
import { retireAws } from "./retire.ts";
import { inSync, ownerOf, type Notice, type OperatorSettings, type StepContext } from "./common/context.ts";
import { NameIndex } from "./common/name-index.ts";
import type { DistributionStatus } from "../api/index.ts";

export interface AwsConvergenceOptions {
  /** The clients of the operator's own identity and of each role a class names. */
  readonly accounts: AwsAccounts;
  readonly kube: KubeRestClient;
  readonly settings: OperatorSettings;
  readonly fullResyncMs: number;
  /** How soon to look again while CloudFront deploys. */
  readonly deployingRequeueMs: number;
  readonly exposureResyncMs: number;
  readonly now?: () => number;
}

/** What the convergence keeps per AWS account: name lookups, and the shared resources CloudFront said are full. */
type AccountState = Pick<StepContext, "originAccessControls" | "fullSharedOriginAccessControls" | "responseHeadersPolicies" | "fullResponseHeadersPolicies">;

export class AwsConvergence implements Convergence {
  readonly #options: AwsConvergenceOptions;
  readonly #history = new PassHistory();
  /** Per AWS identity: shared resources are per account, and so are their name lookups and what is full. */
  readonly #accounts = new Map<string, AccountState>();

  constructor(options: AwsConvergenceOptions) {
    this.#options = options;
  }

  async converge(resource: SecuredContentBucket, signal: AbortSignal, grant?: ClassGrant): Promise<ConvergenceResult> {
    const ctx = { ...this.#context(resource, signal, grant), ownerConsent: grant?.ownerConsent ?? "Required" };
    const { fullResyncMs, exposureResyncMs } = this.#options;
    const pass = choosePass(resource, this.#history.get(resource), { now: this.#now(), fullResyncMs, exposureResyncMs });
    try {
      if (pass.kind === "deploying") return await this.#deployingPass(ctx, pass.inputs, pass.exposureDue);
      await claimBucket(ctx);
      if (pass.kind === "exposure") return await this.#exposurePass(ctx, pass.distributionArn);
      if (pass.untrusted !== undefined) ctx.notices.push(untrustedStatusNotice(pass.untrusted));
      const result = await this.#fullPass(ctx);
      const outcome = result.progress.state === "ready" ? "ready" : deployingOnly(result) ? "deploying" : undefined;
      this.#history.recordFullPass(resource, outcome, this.#now(), verifiedIds(result.fields));
      return result;
    } catch (error) {
      if (pass.kind === "deploying") this.#history.forget(resource); // the retry runs a full pass
      throw error;
    }
  }

  async retire(resource: SecuredContentBucket, signal: AbortSignal, grant?: ClassGrant): Promise<RetireResult> {
    this.#history.forget(resource);
    return retireAws(this.#context(resource, signal, grant), { deployingRequeueMs: this.#options.deployingRequeueMs });
  }

  /**
   * The context of one reconcile, acting as the identity the resource's class names (a role in another account)
   * or as the operator itself; in another account the edge function runs under that account's role.
   */
  #context(resource: SecuredContentBucket, signal: AbortSignal, grant: ClassGrant | undefined): StepContext {
    const identity = grant?.aws;
    const settings = identity?.edgeFunctionRoleArn === undefined ? this.#options.settings : { ...this.#options.settings, edgeFunctionRoleArn: identity.edgeFunctionRoleArn };
    return {
      resource,
      owner: ownerOf(resource, settings),
      aws: this.#options.accounts.clientsFor(identity),
      settings,
      signal,
      notices: [],
      ...this.#accountState(identityKey(identity)),
    };
  }

  #accountState(key: string): AccountState {
    let state = this.#accounts.get(key);
    if (state === undefined) {
      const options = { maxAgeMs: this.#options.fullResyncMs, ...(this.#options.now === undefined ? {} : { now: this.#options.now }) };
      state = {
        originAccessControls: new NameIndex(options),
        fullSharedOriginAccessControls: new Set(),
        responseHeadersPolicies: new NameIndex(options),
        fullResponseHeadersPolicies: new Set(),
      };
      this.#accounts.set(key, state);
    }
    return state;
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
      await claimBucket(ctx);
      await ensureBlockPublicAccess(ctx);
    }
    const distribution = await ensureDistribution(ctx, {
      originAccessControlId: inputs.originAccessControlId,
      viewerRequestFunctionArn: inputs.viewerRequestFunctionArn,
      responseHeadersPolicyId: inputs.responseHeadersPolicyId,
      knownId: inputs.distributionId,
    });
    // A replacement has a new id: the policy must name it.
    const readExposure = exposureDue || distribution.value.id !== inputs.distributionId;
    const policy = readExposure ? await this.#claimedPolicy(ctx, distribution.value.arn, !exposureDue) : undefined;
    const conditions: ConditionUpdate[] = [distribution.condition];
    if (policy !== undefined) conditions.push(bucketSecured(resource, policy.otherReaders));
    const fields = await this.#addressFields(ctx, distribution.value);
    const deployed = distribution.condition.status === "True";
    this.#history.recordDeployingPass(resource, deployed, exposureDue ? this.#now() : undefined, distribution.value);
    if (!deployed) return this.#reconciling(ctx, conditions, fields, distribution.condition);
    return { conditions, fields, progress: readyProgress(resource), notices: ctx.notices };
  }

  /** The bucket policy, after the claim when it was not read in this pass yet. */
  async #claimedPolicy(ctx: StepContext, distributionArn: string, claimFirst: boolean): Promise<BucketPolicyOutcome> {
    if (claimFirst) await claimBucket(ctx);
    return ensureBucketPolicy(ctx, distributionArn);
  }

  async #exposurePass(ctx: StepContext, distributionArn: string): Promise<ConvergenceResult> {
    await ensureBlockPublicAccess(ctx);
    const policy = await ensureBucketPolicy(ctx, distributionArn);
    return { conditions: [bucketSecured(ctx.resource, policy.otherReaders)], fields: {}, progress: readyProgress(ctx.resource), notices: ctx.notices };
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
    const knownHeaders = status?.responseHeadersPolicyId;
    const headers = await ensureResponseHeadersPolicy(ctx, knownHeaders === undefined ? { inUse } : { id: knownHeaders, inUse });
    const conditions: ConditionUpdate[] = [oac.condition, edge.condition, headers.condition];
    const fields: ObservedFields = {
      originAccessControlId: oac.value.id,
      // The policy the distribution uses: the new one only once the distribution is put on it.
      responseHeadersPolicyId: knownHeaders ?? headers.value.id,
      edgeFunction: { name: edge.value.name, arn: edge.value.arn, version: edge.value.version, codeSha256: edge.value.codeSha256 },
    };
    if (edge.condition.status !== "True") return this.#reconciling(ctx, conditions, fields, edge.condition);
    const distribution = await this.#onOpenOriginAccessControl(ctx, oac.value.sharedIndex, () =>
      onOpenResponseHeadersPolicy(ctx, headers.value, () =>
        ensureDistribution(ctx, {
          originAccessControlId: oac.value.id,
          viewerRequestFunctionArn: edge.value.versionArn,
          responseHeadersPolicyId: headers.value.id,
          ...(status?.distribution?.id === undefined ? {} : { knownId: status.distribution.id }),
        }),
      ),
    );
    fields.responseHeadersPolicyId = headers.value.id;
    await releasePreviousResponseHeadersPolicy(ctx, knownHeaders, headers.value.id);
    const policy = await ensureBucketPolicy(ctx, distribution.value.arn);
    conditions.push(distribution.condition, bucketSecured(resource, policy.otherReaders), await checkEncryption(ctx, distribution.value.arn));
    Object.assign(fields, await this.#addressFields(ctx, distribution.value));
    if (distribution.condition.status !== "True") return this.#reconciling(ctx, conditions, fields, distribution.condition);
    return { conditions, fields, progress: readyProgress(resource), notices: ctx.notices };
  }

  /**
   * Runs `work`, which associates a distribution with the shared OAC number `index`. When CloudFront says that
   * OAC already serves as many distributions as its quota allows, the number is remembered as full and the
   * reconcile is retried soon, on the next one.
   */
  async #onOpenOriginAccessControl<T>(ctx: StepContext, index: number | undefined, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (index === undefined || !hasAwsCode(error, "TooManyDistributionsAssociatedToOriginAccessControl")) throw error;
      ctx.fullSharedOriginAccessControls.add(index);
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

/**
 * The ids a full pass wrote to status: each was verified as this resource's own (the distribution by its caller
 * reference, the OAC by its name, the function by its name and tags) or created by it.
 */
function verifiedIds(fields: ObservedFields): VerifiedIds {
  const edge = fields.edgeFunction;
  return {
    ...(fields.distribution === undefined ? {} : { distributionId: fields.distribution.id, distributionArn: fields.distribution.arn }),
    ...(fields.originAccessControlId === undefined ? {} : { originAccessControlId: fields.originAccessControlId }),
    ...(edge?.version === undefined ? {} : { viewerRequestFunctionArn: `${edge.arn}:${edge.version}` }),
    ...(fields.responseHeadersPolicyId === undefined ? {} : { responseHeadersPolicyId: fields.responseHeadersPolicyId }),
  };
}

/** Status changed behind the operator's back: said without repeating what it names. */
function untrustedStatusNotice(fields: readonly string[]): Notice {
  return {
    kind: "warning",
    reason: "StatusNotTrusted",
    message: `${fields.join(", ")} in status differ from what the operator verified; ignoring status and reading AWS again`,
  };
}

/** Exclusive only when nothing else in the bucket policy lets anyone read: otherwise it says so. */
function bucketSecured(resource: SecuredContentBucket, otherReaders: readonly string[]): ConditionUpdate {
  const type = conditionTypes.bucketSecured;
  const generation = resource.metadata.generation;
  if (otherReaders.length === 0) return inSync(type, "Block Public Access is on and only the distribution may read", generation);
  const message = `Block Public Access is on and the distribution may read; ${otherReadersMessage(resource.spec.bucket.name, otherReaders)}`;
  return { type, status: "True", reason: "OtherReaders", message, observedGeneration: generation };
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

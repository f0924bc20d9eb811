// The Lambda@Edge viewer-request function in us-east-1: config.json from the spec and the pool's JWKS, packaged
// deterministically, created or updated with the configured execution role, and published as a numbered
// version only when no version holds this exact package. In sync, it costs one read and no write.
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  PublishVersionCommand,
  PutRuntimeManagementConfigCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type FunctionConfiguration,
} from "@aws-sdk/client-lambda";
import { buildEdgeBundle } from "../../../edge-auth/package/bundle.ts";
import { EdgeConfigError } from "../../../edge-auth/package/config-schema.ts";
import { packageEdgeFunction, type EdgePackage } from "../../../edge-auth/package/package-edge-function.ts";
import { conditionTypes } from "../../api/index.ts";
import { isAwsError } from "../../aws/errors.ts";
import { PermanentError } from "../../errors.ts";
import { inSync, waitingOn, type Notice, type StepContext, type StepOutcome } from "../common/context.ts";
import { OwnershipConflictError } from "../common/errors.ts";
import { edgeFunctionName, fitted, legacyEdgeFunctionName, legacyOwnerKey, limits, ownerKey, ownershipTags, tagKeys, type OwnerIdentity } from "../common/naming.ts";
import { desiredEdgeConfig } from "./config.ts";
import {
  configurationCorrection,
  currentVersion,
  desiredFunctionSettings,
  edgeArchitecture,
  driftedSettings,
  holdsPackage,
  referencedVersions,
  stateOf,
  tagChanges,
  unqualifiedArn,
  versionNumber,
  versionsToPrune,
  type EdgeFunctionState,
  type FunctionSettings,
} from "./desired.ts";
import { userPoolJwks } from "./jwks.ts";
import { functionTags, getFunction, isBusy, listVersions, runtimeUpdateMode, settle, type ObservedFunction } from "./read.ts";

// The handler bundle depends only on the source and the esbuild version, so it is built once per process.
// esbuild is a devDependency: an image without it builds the bundle at image build time and hands it in
// (OperatorSettings.prebuiltEdgeBundle); edgeBundle() is the only place that decides where the bundle comes from.
let bundleOnce: Promise<Uint8Array> | undefined;

/** The handler bundle, built on first use and shared; a failed build is retried by the next caller. */
export function edgeBundle(): Promise<Uint8Array> {
  bundleOnce ??= buildEdgeBundle().catch((error: unknown) => {
    bundleOnce = undefined;
    throw error;
  });
  return bundleOnce;
}

interface Desired {
  readonly name: string;
  readonly settings: FunctionSettings;
  readonly edgePackage: EdgePackage;
  readonly tags: Record<string, string>;
}

async function desiredFunction(ctx: StepContext): Promise<Desired> {
  const { url, jwks } = await userPoolJwks(ctx.settings, ctx.resource.spec.auth.userPoolId, ctx.signal);
  const pin = { allowInsecureJwksUri: ctx.settings.allowInsecureJwksUrl };
  let edgePackage: EdgePackage;
  try {
    edgePackage = await packageEdgeFunction(desiredEdgeConfig(ctx.resource, jwks, url, pin), { ...pin, bundle: await (ctx.settings.prebuiltEdgeBundle ?? edgeBundle)() });
  } catch (error) {
    if (error instanceof EdgeConfigError) throw new PermanentError("InvalidEdgeConfig", error.message, { cause: error });
    throw error;
  }
  return { name: await functionNameOf(ctx), settings: desiredFunctionSettings(ctx.settings), edgePackage, tags: ownershipTags(ctx.owner) };
}

/**
 * The function's name: from the cluster's uid, or the legacy name (from CLUSTER_NAME alone) while status names
 * a function of that name whose tags carry this resource's uid, so a resource made before the cluster uid keeps
 * its function (moving would redeploy the distribution) and the other cluster's function of that name is never
 * taken. Status is only a hint here: the tags decide.
 */
async function functionNameOf(ctx: StepContext): Promise<string> {
  const legacy = legacyEdgeFunctionName(ctx.owner);
  if (ctx.resource.status?.edgeFunction?.name !== legacy) return edgeFunctionName(ctx.owner);
  const observed = await getFunction(ctx, legacy);
  return observed?.tags[tagKeys.uid] === ctx.resource.metadata.uid ? legacy : edgeFunctionName(ctx.owner);
}

/**
 * Whether a function's tags let this resource use it: its owner tag is this resource's, or that of an earlier
 * resource of the same namespace and name in this cluster (same cluster uid), whose function it takes over.
 * An owner tag written before the cluster uid is this resource's only with its uid beside it: another cluster
 * of the same CLUSTER_NAME wrote the same owner tag.
 */
export function mayAdopt(tags: Readonly<Record<string, string>>, owner: OwnerIdentity): boolean {
  const holder = tags[tagKeys.owner];
  if (holder === undefined || holder === ownerKey(owner)) return true;
  if (holder === legacyOwnerKey(owner)) return tags[tagKeys.uid] === owner.uid;
  const earlier = tags[tagKeys.uid];
  return earlier !== undefined && tags[tagKeys.clusterUid] === owner.clusterUid && holder === ownerKey({ ...owner, uid: earlier });
}

function ready(ctx: StepContext, state: EdgeFunctionState): StepOutcome<EdgeFunctionState> {
  const message = `edge function ${state.name} version ${state.version} holds the current package`;
  return { condition: inSync(conditionTypes.edgeFunctionReady, message, ctx.resource.metadata.generation), value: state };
}

function waiting(ctx: StepContext, state: EdgeFunctionState, message: string): StepOutcome<EdgeFunctionState> {
  return { condition: waitingOn(conditionTypes.edgeFunctionReady, "EdgeFunctionUpdating", message, ctx.resource.metadata.generation), value: state };
}

/** Ready when the version has settled; waiting, with `what`, while Lambda still works on it. */
function outcomeOf(ctx: StepContext, name: string, version: FunctionConfiguration, what: string): StepOutcome<EdgeFunctionState> {
  const state = stateOf(name, version);
  return isBusy(version) ? waiting(ctx, state, `edge function ${name} version ${state.version} is being ${what}`) : ready(ctx, state);
}

/**
 * Makes sure a numbered version of the function holds the package for this spec and returns it. Versions
 * older than that one which are not in `referencedVersionArns` are deleted after a publication.
 */
export async function ensureEdgeFunction(ctx: StepContext, options: { referencedVersionArns: readonly string[] }): Promise<StepOutcome<EdgeFunctionState>> {
  const desired = await desiredFunction(ctx);
  const referenced = referencedVersions(desired.name, options.referencedVersionArns);
  const newest = [...referenced].map(Number).sort((a, b) => b - a)[0];
  // The usual resync: the version the distribution uses already holds the package. Two reads (the version,
  // and the function's tags, which a read of a version does not return), no write.
  if (newest !== undefined) {
    const inUse = await getFunction(ctx, desired.name, String(newest));
    if (inUse !== undefined && !isBusy(inUse.config) && holdsPackage(inUse.config, desired.settings, desired.edgePackage.sha256Base64)) {
      const tags = await functionTags(ctx, unqualifiedArn(inUse.config.FunctionArn ?? ""));
      await claimTags(ctx, desired, { config: inUse.config, tags });
      return ready(ctx, stateOf(desired.name, inUse.config));
    }
  }
  const observed = await getFunction(ctx, desired.name);
  if (observed === undefined) return createFunction(ctx, desired, referenced);
  await claimTags(ctx, desired, observed);
  return updateFunction(ctx, desired, observed.config, referenced);
}

/** Refuses a function another owner tagged; adopts one left pending deletion by an earlier resource of this name. */
async function claimTags(ctx: StepContext, desired: Desired, observed: ObservedFunction): Promise<void> {
  const holder = observed.tags[tagKeys.owner];
  if (holder !== undefined && !mayAdopt(observed.tags, ctx.owner)) throw new OwnershipConflictError(`edge function ${desired.name}`, holder);
  const { add, remove } = tagChanges(observed.tags, desired.tags);
  const arn = unqualifiedArn(observed.config.FunctionArn ?? "");
  if (Object.keys(add).length > 0) await ctx.aws.lambda().send(new TagResourceCommand({ Resource: arn, Tags: add }), { abortSignal: ctx.signal });
  if (remove.length > 0) await ctx.aws.lambda().send(new UntagResourceCommand({ Resource: arn, TagKeys: remove }), { abortSignal: ctx.signal });
  if (remove.length > 0 || tagKeys.uid in add) {
    ctx.notices.push({ kind: "changed", reason: "EdgeFunctionAdopted", message: `adopted edge function ${desired.name}, left behind by an earlier resource of this name` });
  } else if (observed.tags[tagKeys.owner] === legacyOwnerKey(ctx.owner)) {
    ctx.notices.push({ kind: "changed", reason: "EdgeFunctionTagsMigrated", message: `tagged edge function ${desired.name} with this cluster's uid` });
  } else if (Object.keys(add).length > 0) {
    ctx.notices.push({ kind: "drift", reason: "EdgeFunctionTagsCorrected", message: `restored the ownership tags of edge function ${desired.name}`, drift: "edge-function-tags" });
  }
}

async function createFunction(ctx: StepContext, desired: Desired, referenced: ReadonlySet<string>): Promise<StepOutcome<EdgeFunctionState>> {
  const { name, settings, edgePackage, tags } = desired;
  let created: FunctionConfiguration;
  try {
    created = await ctx.aws.lambda().send(
      new CreateFunctionCommand({
        FunctionName: name,
        ...settings,
        Architectures: [edgeArchitecture],
        Code: { ZipFile: edgePackage.zip },
        Description: fitted(`SecuredContentBucket ${ctx.owner.namespace}/${ctx.owner.name}: Cognito viewer-request authorizer`, limits.lambdaDescription),
        Publish: true,
        Tags: tags,
      }),
      { abortSignal: ctx.signal },
    );
  } catch (error) {
    // Another reconcile created it a moment ago: converge on that one.
    if (!isAwsError(error, "Conflict")) throw error;
    const observed = await getFunction(ctx, name);
    if (observed === undefined) throw error;
    await claimTags(ctx, desired, observed);
    return updateFunction(ctx, desired, observed.config, referenced);
  }
  ctx.notices.push({ kind: "created", reason: "EdgeFunctionCreated", message: `created edge function ${name} and published version ${created.Version ?? "?"}` });
  if (versionNumber(created) === undefined) return updateFunction(ctx, desired, created, referenced);
  return outcomeOf(ctx, name, await settle(ctx, name, created, created.Version), "created");
}

/** Brings $LATEST to the desired settings and code, then makes sure a version holds it. */
async function updateFunction(
  ctx: StepContext,
  desired: Desired,
  observed: FunctionConfiguration,
  referenced: ReadonlySet<string>,
): Promise<StepOutcome<EdgeFunctionState>> {
  const { name, settings, edgePackage } = desired;
  let latest = await settle(ctx, name, observed);
  const drifted = isBusy(latest) ? [] : driftedSettings(latest, settings);
  const configurationDrift = drifted.filter((setting) => setting !== "Architectures");
  if (configurationDrift.length > 0) {
    const command = new UpdateFunctionConfigurationCommand({ FunctionName: name, ...configurationCorrection(configurationDrift, settings) });
    latest = await ctx.aws.lambda().send(command, { abortSignal: ctx.signal });
    ctx.notices.push({
      kind: "drift",
      reason: "EdgeFunctionConfigurationCorrected",
      message: `edge function ${name} had drifted (${configurationDrift.join(", ")}); restored its settings`,
      drift: "edge-function-configuration",
    });
    latest = await settle(ctx, name, latest);
  }
  // The architecture is set with the code: a function moved to another one gets the package again, on x86_64.
  const architectureDrift = driftedSettings(latest, settings).includes("Architectures");
  const codeOutdated = latest.CodeSha256 !== edgePackage.sha256Base64 || latest.LastUpdateStatus === "Failed" || architectureDrift;
  if (!isBusy(latest) && codeOutdated) {
    const command = new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: edgePackage.zip, Architectures: [edgeArchitecture] });
    latest = await ctx.aws.lambda().send(command, { abortSignal: ctx.signal });
    ctx.notices.push(
      architectureDrift
        ? { kind: "drift", reason: "EdgeFunctionArchitectureCorrected", message: `edge function ${name} ran on another architecture; restored ${edgeArchitecture}`, drift: "edge-function-configuration" }
        : codeNotice(ctx, name, edgePackage.sha256Base64),
    );
    latest = await settle(ctx, name, latest);
  }
  if (isBusy(latest)) return waiting(ctx, await inUseState(ctx, name, referenced), `edge function ${name} is being updated; publishing once Lambda finishes`);
  return ensureVersion(ctx, desired, referenced);
}

/** A new package is the spec or the pool's keys changing; the same package recorded in status means drift. */
function codeNotice(ctx: StepContext, name: string, codeSha256: string): Notice {
  if (ctx.resource.status?.edgeFunction?.codeSha256 === codeSha256) {
    return { kind: "drift", reason: "EdgeFunctionCodeCorrected", message: `edge function ${name} had other code; restored the package`, drift: "edge-function-code" };
  }
  return { kind: "changed", reason: "EdgeFunctionCodeUpdated", message: `updated the code of edge function ${name} to package ${codeSha256}` };
}

/** While $LATEST is busy, the status keeps naming the version in use (the newest referenced, else the newest). */
async function inUseState(ctx: StepContext, name: string, referenced: ReadonlySet<string>): Promise<EdgeFunctionState> {
  const numbered = (await listVersions(ctx, name)).filter((version) => versionNumber(version) !== undefined);
  const newestFirst = numbered.sort((a, b) => (versionNumber(b) ?? 0) - (versionNumber(a) ?? 0));
  const inUse = newestFirst.find((version) => referenced.has(version.Version ?? "")) ?? newestFirst[0];
  if (inUse === undefined) throw new Error(`edge function ${name} is still being updated and has no published version yet`);
  return stateOf(name, inUse);
}

/** Uses the newest version holding the package, or publishes one (guarded by CodeSha256) and prunes. */
async function ensureVersion(ctx: StepContext, desired: Desired, referenced: ReadonlySet<string>): Promise<StepOutcome<EdgeFunctionState>> {
  const { name, settings, edgePackage } = desired;
  const versions = await listVersions(ctx, name);
  let version = currentVersion(versions, settings, edgePackage.sha256Base64);
  if (version === undefined) {
    await ensureAutomaticRuntimeUpdates(ctx, name);
    version = await ctx.aws.lambda().send(new PublishVersionCommand({ FunctionName: name, CodeSha256: edgePackage.sha256Base64 }), { abortSignal: ctx.signal });
    const number = versionNumber(version);
    if (number === undefined || !holdsPackage(version, settings, edgePackage.sha256Base64)) {
      throw new Error(`Lambda PublishVersion of ${name} gave version ${version.Version ?? "?"} with code ${version.CodeSha256 ?? "?"}, not package ${edgePackage.sha256Base64}`);
    }
    ctx.notices.push({ kind: "changed", reason: "EdgeFunctionPublished", message: `published version ${number} of edge function ${name}` });
    await prune(ctx, name, versionsToPrune(versions, number, referenced));
  }
  return outcomeOf(ctx, name, await settle(ctx, name, version, version.Version), "published");
}

/**
 * Lambda@Edge supports no runtime management setting other than Auto ("Restrictions on Lambda@Edge"), and a
 * version published under another would be refused by CloudFront: checked before each publication.
 */
async function ensureAutomaticRuntimeUpdates(ctx: StepContext, name: string): Promise<void> {
  const mode = await runtimeUpdateMode(ctx, name);
  if (mode === "Auto") return;
  await ctx.aws.lambda().send(new PutRuntimeManagementConfigCommand({ FunctionName: name, UpdateRuntimeOn: "Auto" }), { abortSignal: ctx.signal });
  ctx.notices.push({
    kind: "drift",
    reason: "EdgeFunctionRuntimeManagementCorrected",
    message: `edge function ${name} had runtime updates set to ${mode}; set them back to Auto, the only setting Lambda@Edge supports`,
    drift: "edge-function-configuration",
  });
}

/** Gone already, or still replicated (409, or 400 "replicated function"): nothing to do now. */
function notPrunableYet(error: unknown): boolean {
  return isAwsError(error, "NotFound") || isAwsError(error, "Conflict") || isAwsError(error, "InvalidRequest");
}

/**
 * Deletes old versions nothing references. Lambda refuses while CloudFront still has replicas of a version
 * (for hours after disassociation); those are left for the next publication.
 */
async function prune(ctx: StepContext, name: string, versions: readonly string[]): Promise<void> {
  const deleted: string[] = [];
  for (const version of versions) {
    try {
      await ctx.aws.lambda().send(new DeleteFunctionCommand({ FunctionName: name, Qualifier: version }), { abortSignal: ctx.signal });
      deleted.push(version);
    } catch (error) {
      if (!notPrunableYet(error)) throw error;
    }
  }
  if (deleted.length > 0) {
    ctx.notices.push({ kind: "changed", reason: "EdgeFunctionVersionsPruned", message: `deleted unreferenced versions ${deleted.join(", ")} of edge function ${name}` });
  }
}

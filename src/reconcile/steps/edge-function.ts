// The Lambda@Edge viewer-request function in us-east-1: config.json from the spec and the pool's JWKS, packaged
// deterministically, created or updated with the configured execution role, and published as a numbered
// version only when no version holds this exact package. In sync, it costs one read and no write.
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type FunctionConfiguration,
  type Runtime,
} from "@aws-sdk/client-lambda";
import { setTimeout as sleep } from "node:timers/promises";
import { buildEdgeBundle, lambdaHandler } from "../../../edge-auth/package/bundle.ts";
import { EdgeConfigError } from "../../../edge-auth/package/config-schema.ts";
import { packageEdgeFunction, type EdgePackage } from "../../../edge-auth/package/package-edge-function.ts";
import { toAwsError, type AwsErrorCode } from "../../aws/errors.ts";
import type { ConditionUpdate } from "../../controller/conditions.ts";
import { TerminalError } from "../../controller/reconciler.ts";
import type { Notice } from "../convergence.ts";
import { desiredEdgeConfig } from "../edge-config.ts";
import { userPoolJwks } from "../jwks.ts";
import { edgeFunctionName, ownerKey, ownershipTags, tagKeys } from "../naming.ts";
import { inSync, type StepContext, type StepOutcome } from "./context.ts";

export const edgeFunctionConditionType = "EdgeFunctionReady";

export interface EdgeFunctionState {
  readonly name: string;
  /** The function's ARN without a qualifier. */
  readonly arn: string;
  /** The numbered version to associate with the distribution. */
  readonly version: string;
  /** `<arn>:<version>`: what the viewer-request association names. */
  readonly versionArn: string;
  /** CodeSha256 of that version: base64(sha256(zip)). */
  readonly codeSha256: string;
}

/** Lambda@Edge viewer-request limits (DESIGN §5): 128 MB, 5 s, no environment variables. */
export interface FunctionSettings {
  readonly Role: string;
  readonly Runtime: Runtime;
  readonly Handler: string;
  readonly MemorySize: number;
  readonly Timeout: number;
}

export function desiredFunctionSettings(settings: { edgeFunctionRoleArn: string; edgeRuntime: string }): FunctionSettings {
  // The runtime is validated at start-up (nodejs22.x or newer); the SDK's union lags behind new runtimes.
  return { Role: settings.edgeFunctionRoleArn, Runtime: settings.edgeRuntime as Runtime, Handler: lambdaHandler, MemorySize: 128, Timeout: 5 };
}

/** The settings (and environment variables, which Lambda@Edge forbids) that differ; empty when in sync. */
export function driftedSettings(config: FunctionConfiguration, desired: FunctionSettings): string[] {
  const drifted: string[] = (Object.keys(desired) as (keyof FunctionSettings)[]).filter((key) => config[key] !== desired[key]);
  if (Object.keys(config.Environment?.Variables ?? {}).length > 0) drifted.push("Environment");
  return drifted;
}

/** A version holds the package when its code and settings are the desired ones. */
export function holdsPackage(config: FunctionConfiguration, desired: FunctionSettings, codeSha256: string): boolean {
  return config.CodeSha256 === codeSha256 && driftedSettings(config, desired).length === 0;
}

function versionNumber(config: FunctionConfiguration): number | undefined {
  return config.Version !== undefined && /^\d+$/.test(config.Version) ? Number(config.Version) : undefined;
}

/** The newest numbered version that holds the package, if any. */
export function currentVersion(versions: readonly FunctionConfiguration[], desired: FunctionSettings, codeSha256: string): FunctionConfiguration | undefined {
  let best: FunctionConfiguration | undefined;
  for (const version of versions) {
    const number = versionNumber(version);
    if (number === undefined || !holdsPackage(version, desired, codeSha256)) continue;
    if (best === undefined || number > (versionNumber(best) ?? 0)) best = version;
  }
  return best;
}

/** Numbered versions older than `current` that nothing references, oldest first; never `current` or $LATEST. */
export function versionsToPrune(versions: readonly FunctionConfiguration[], current: number, referenced: ReadonlySet<string>): string[] {
  return versions
    .map(versionNumber)
    .filter((number): number is number => number !== undefined && number < current && !referenced.has(String(number)))
    .sort((a, b) => a - b)
    .map(String);
}

/** The version numbers of this function among the referenced version ARNs. */
export function referencedVersions(functionName: string, versionArns: readonly string[]): Set<string> {
  const referenced = new Set<string>();
  for (const arn of versionArns) {
    const match = /:function:([^:]+):(\d+)$/.exec(arn);
    if (match?.[1] === functionName && match[2] !== undefined) referenced.add(match[2]);
  }
  return referenced;
}

/** What to tag and untag so the function carries this owner's tags and no pending-deletion mark. */
export function tagChanges(current: Readonly<Record<string, string>>, wanted: Readonly<Record<string, string>>): { add: Record<string, string>; remove: string[] } {
  const add = Object.fromEntries(Object.entries(wanted).filter(([key, value]) => current[key] !== value));
  const remove = tagKeys.pendingDeletion in current ? [tagKeys.pendingDeletion] : [];
  return { add, remove };
}

function unqualifiedArn(arn: string): string {
  return arn.replace(/(:function:[^:]+):[^:]+$/, "$1");
}

// The handler bundle depends only on the source and the esbuild version, so it is built once per process.
// esbuild is a devDependency: an image without it would build the bundle at image build time and hand it in
// here instead; edgeBundle() is the only place that decides where the bundle comes from.
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
  const { url, jwks } = await userPoolJwks(ctx.settings.jwksUrlTemplate, ctx.resource.spec.auth.userPoolId, ctx.signal);
  let edgePackage: EdgePackage;
  try {
    edgePackage = await packageEdgeFunction(desiredEdgeConfig(ctx.resource, jwks, url), { bundle: await (ctx.settings.prebuiltEdgeBundle ?? edgeBundle)() });
  } catch (error) {
    if (error instanceof EdgeConfigError) throw new TerminalError("InvalidEdgeConfig", error.message, { cause: error });
    throw error;
  }
  return { name: edgeFunctionName(ctx.owner), settings: desiredFunctionSettings(ctx.settings), edgePackage, tags: ownershipTags(ctx.owner) };
}

/** How long a reconcile waits for Lambda to finish an update before it asks to be requeued. */
const settleAttempts = 10;
const settleIntervalMs = 1_000;
const maxVersionPages = 20;

async function lambdaCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toAwsError(error, "lambda", operation);
  }
}

interface Observed {
  readonly config: FunctionConfiguration;
  readonly tags: Record<string, string>;
}

async function getFunction(ctx: StepContext, name: string, qualifier?: string): Promise<Observed | undefined> {
  try {
    const input = qualifier === undefined ? { FunctionName: name } : { FunctionName: name, Qualifier: qualifier };
    const result = await ctx.aws.lambda().send(new GetFunctionCommand(input), { abortSignal: ctx.signal });
    if (result.Configuration === undefined) throw new Error(`Lambda GetFunction returned no configuration for ${name}`);
    return { config: result.Configuration, tags: result.Tags ?? {} };
  } catch (error) {
    const failure = toAwsError(error, "lambda", "GetFunction");
    if (failure.code === "NotFound") return undefined;
    throw failure;
  }
}

/** Busy while being created or updated; Lambda refuses further updates (and CloudFront the version) until then. */
function isBusy(config: FunctionConfiguration): boolean {
  return config.State === "Pending" || config.LastUpdateStatus === "InProgress";
}

/** Polls until the function (or a version) settles, a bounded number of times; returns the last reading. */
async function settle(ctx: StepContext, name: string, config: FunctionConfiguration, qualifier?: string): Promise<FunctionConfiguration> {
  let current = config;
  for (let attempt = 0; isBusy(current) && attempt < settleAttempts; attempt += 1) {
    await sleep(settleIntervalMs, undefined, { signal: ctx.signal });
    const input = { FunctionName: name, ...(qualifier === undefined ? {} : { Qualifier: qualifier }) };
    current = await lambdaCall("GetFunctionConfiguration", () => ctx.aws.lambda().send(new GetFunctionConfigurationCommand(input), { abortSignal: ctx.signal }));
  }
  return current;
}

function stateOf(name: string, version: FunctionConfiguration): EdgeFunctionState {
  const arn = unqualifiedArn(version.FunctionArn ?? "");
  const number = version.Version ?? "";
  return { name, arn, version: number, versionArn: `${arn}:${number}`, codeSha256: version.CodeSha256 ?? "" };
}

function ready(ctx: StepContext, state: EdgeFunctionState): StepOutcome<EdgeFunctionState> {
  const message = `edge function ${state.name} version ${state.version} holds the current package`;
  return { condition: inSync(edgeFunctionConditionType, message, ctx.resource.metadata.generation), value: state };
}

function waiting(ctx: StepContext, state: EdgeFunctionState, message: string): StepOutcome<EdgeFunctionState> {
  const condition: ConditionUpdate = {
    type: edgeFunctionConditionType,
    status: "False",
    reason: "EdgeFunctionUpdating",
    message,
    observedGeneration: ctx.resource.metadata.generation,
  };
  return { condition, value: state };
}

/**
 * Makes sure a numbered version of the function holds the package for this spec and returns it. Versions
 * older than that one which are not in `referencedVersionArns` are deleted after a publication.
 */
export async function ensureEdgeFunction(ctx: StepContext, options: { referencedVersionArns: readonly string[] }): Promise<StepOutcome<EdgeFunctionState>> {
  const desired = await desiredFunction(ctx);
  const referenced = referencedVersions(desired.name, options.referencedVersionArns);
  const newest = [...referenced].map(Number).sort((a, b) => b - a)[0];
  // The usual resync: the version the distribution uses already holds the package. One read, no write.
  if (newest !== undefined) {
    const inUse = await getFunction(ctx, desired.name, String(newest));
    if (inUse !== undefined && !isBusy(inUse.config) && holdsPackage(inUse.config, desired.settings, desired.edgePackage.sha256Base64)) {
      await claimTags(ctx, desired, inUse);
      return ready(ctx, stateOf(desired.name, inUse.config));
    }
  }
  const observed = await getFunction(ctx, desired.name);
  if (observed === undefined) return createFunction(ctx, desired, referenced);
  await claimTags(ctx, desired, observed);
  return updateFunction(ctx, desired, observed.config, referenced);
}

/** Refuses a function another owner tagged; adopts one left pending deletion by an earlier CR of this name. */
async function claimTags(ctx: StepContext, desired: Desired, observed: Observed): Promise<void> {
  const holder = observed.tags[tagKeys.owner];
  if (holder !== undefined && holder !== ownerKey(ctx.owner)) {
    throw new TerminalError("OwnershipConflict", `edge function ${desired.name} belongs to ${holder}; it is left untouched`);
  }
  const { add, remove } = tagChanges(observed.tags, desired.tags);
  const arn = unqualifiedArn(observed.config.FunctionArn ?? "");
  if (Object.keys(add).length > 0) {
    await lambdaCall("TagResource", () => ctx.aws.lambda().send(new TagResourceCommand({ Resource: arn, Tags: add }), { abortSignal: ctx.signal }));
  }
  if (remove.length > 0) {
    await lambdaCall("UntagResource", () => ctx.aws.lambda().send(new UntagResourceCommand({ Resource: arn, TagKeys: remove }), { abortSignal: ctx.signal }));
  }
  if (remove.length > 0 || tagKeys.uid in add) {
    ctx.notices.push({ type: "Normal", reason: "EdgeFunctionAdopted", message: `adopted edge function ${desired.name}, left behind by an earlier resource of this name` });
  } else if (Object.keys(add).length > 0) {
    ctx.notices.push({ type: "Warning", reason: "EdgeFunctionTagsCorrected", message: `restored the ownership tags of edge function ${desired.name}`, drift: "edge-function-tags" });
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
        Code: { ZipFile: edgePackage.zip },
        Description: `SecuredContentBucket ${ctx.owner.namespace}/${ctx.owner.name}: Cognito viewer-request authorizer`,
        Publish: true,
        Tags: tags,
      }),
      { abortSignal: ctx.signal },
    );
  } catch (error) {
    const failure = toAwsError(error, "lambda", "CreateFunction");
    // Another reconcile created it a moment ago: converge on that one.
    if (failure.code !== "Conflict") throw failure;
    const observed = await getFunction(ctx, name);
    if (observed === undefined) throw failure;
    await claimTags(ctx, desired, observed);
    return updateFunction(ctx, desired, observed.config, referenced);
  }
  ctx.notices.push({ type: "Normal", reason: "EdgeFunctionCreated", message: `created edge function ${name} and published version ${created.Version ?? "?"}` });
  if (versionNumber(created) === undefined) return updateFunction(ctx, desired, created, referenced);
  const version = await settle(ctx, name, created, created.Version);
  const state = stateOf(name, version);
  return isBusy(version) ? waiting(ctx, state, `edge function ${name} version ${state.version} is being created`) : ready(ctx, state);
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
  if (drifted.length > 0) {
    const environment = drifted.includes("Environment") ? { Environment: { Variables: {} } } : {};
    const command = new UpdateFunctionConfigurationCommand({ FunctionName: name, ...settings, ...environment });
    latest = await lambdaCall("UpdateFunctionConfiguration", () => ctx.aws.lambda().send(command, { abortSignal: ctx.signal }));
    ctx.notices.push({
      type: "Warning",
      reason: "EdgeFunctionConfigurationCorrected",
      message: `edge function ${name} had drifted (${drifted.join(", ")}); restored its settings`,
      drift: "edge-function-configuration",
    });
    latest = await settle(ctx, name, latest);
  }
  const codeOutdated = latest.CodeSha256 !== edgePackage.sha256Base64 || latest.LastUpdateStatus === "Failed";
  if (!isBusy(latest) && codeOutdated) {
    const command = new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: edgePackage.zip });
    latest = await lambdaCall("UpdateFunctionCode", () => ctx.aws.lambda().send(command, { abortSignal: ctx.signal }));
    ctx.notices.push(codeNotice(ctx, name, edgePackage.sha256Base64));
    latest = await settle(ctx, name, latest);
  }
  if (isBusy(latest)) return waiting(ctx, await inUseState(ctx, name, referenced), `edge function ${name} is being updated; publishing once Lambda finishes`);
  return ensureVersion(ctx, desired, referenced);
}

/** A new package is the spec or the pool's keys changing; the same package recorded in status means drift. */
function codeNotice(ctx: StepContext, name: string, codeSha256: string): Notice {
  if (ctx.resource.status?.edgeFunction?.codeSha256 === codeSha256) {
    return { type: "Warning", reason: "EdgeFunctionCodeCorrected", message: `edge function ${name} had other code; restored the package`, drift: "edge-function-code" };
  }
  return { type: "Normal", reason: "EdgeFunctionCodeUpdated", message: `updated the code of edge function ${name} to package ${codeSha256}` };
}

async function listVersions(ctx: StepContext, name: string): Promise<FunctionConfiguration[]> {
  const versions: FunctionConfiguration[] = [];
  let marker: string | undefined;
  for (let page = 0; page < maxVersionPages; page += 1) {
    const command = new ListVersionsByFunctionCommand({ FunctionName: name, MaxItems: 50, ...(marker === undefined ? {} : { Marker: marker }) });
    const result = await lambdaCall("ListVersionsByFunction", () => ctx.aws.lambda().send(command, { abortSignal: ctx.signal }));
    versions.push(...(result.Versions ?? []));
    if (result.NextMarker === undefined || result.NextMarker === "") return versions;
    marker = result.NextMarker;
  }
  throw new Error(`edge function ${name} has more than ${String(maxVersionPages * 50)} versions; stopped listing`);
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
    const command = new PublishVersionCommand({ FunctionName: name, CodeSha256: edgePackage.sha256Base64 });
    version = await lambdaCall("PublishVersion", () => ctx.aws.lambda().send(command, { abortSignal: ctx.signal }));
    const number = versionNumber(version);
    if (number === undefined || !holdsPackage(version, settings, edgePackage.sha256Base64)) {
      throw new Error(`Lambda PublishVersion of ${name} gave version ${version.Version ?? "?"} with code ${version.CodeSha256 ?? "?"}, not package ${edgePackage.sha256Base64}`);
    }
    ctx.notices.push({ type: "Normal", reason: "EdgeFunctionPublished", message: `published version ${number} of edge function ${name}` });
    await prune(ctx, name, versionsToPrune(versions, number, referenced));
  }
  version = await settle(ctx, name, version, version.Version);
  const state = stateOf(name, version);
  return isBusy(version) ? waiting(ctx, state, `edge function ${name} version ${state.version} is being published`) : ready(ctx, state);
}

/** Gone already, or still replicated (409, or 400 "replicated function"): nothing to do now. */
const prunable = new Set<AwsErrorCode>(["NotFound", "Conflict", "InvalidRequest"]);

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
      const failure = toAwsError(error, "lambda", "DeleteFunction");
      if (!prunable.has(failure.code)) throw failure;
    }
  }
  if (deleted.length > 0) {
    ctx.notices.push({ type: "Normal", reason: "EdgeFunctionVersionsPruned", message: `deleted unreferenced versions ${deleted.join(", ")} of edge function ${name}` });
  }
}

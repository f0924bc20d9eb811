// The edge function a resource should have, and how live versions relate to it: pure, no I/O.
import type { FunctionConfiguration, Runtime } from "@aws-sdk/client-lambda";
import { lambdaHandler } from "../../../edge-auth/package/bundle.ts";
import { tagKeys } from "../common/naming.ts";

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

/** The settings Lambda@Edge allows a viewer-request function: 128 MB, 5 s, no environment variables. */
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

/**
 * What Lambda@Edge refuses in a function it replicates ("Restrictions on Lambda@Edge", CloudFront Developer
 * Guide: no environment variables, no layers, no VPC configuration) and the architecture it runs, x86_64. A hand
 * edit of any of these on $LATEST would be published with the next version, and CloudFront would refuse the
 * association.
 */
export const edgeArchitecture = "x86_64";

/** The settings, and the features Lambda@Edge forbids, that differ; empty when in sync. */
export function driftedSettings(config: FunctionConfiguration, desired: FunctionSettings): string[] {
  const drifted: string[] = (Object.keys(desired) as (keyof FunctionSettings)[]).filter((key) => config[key] !== desired[key]);
  if (Object.keys(config.Environment?.Variables ?? {}).length > 0) drifted.push("Environment");
  if ((config.Layers ?? []).length > 0) drifted.push("Layers");
  if ((config.VpcConfig?.SubnetIds ?? []).length > 0 || (config.VpcConfig?.SecurityGroupIds ?? []).length > 0) drifted.push("VpcConfig");
  const architectures = config.Architectures ?? [edgeArchitecture];
  if (architectures.length !== 1 || architectures[0] !== edgeArchitecture) drifted.push("Architectures");
  return drifted;
}

/** The configuration update that puts the drifted settings back (Architectures goes with the code instead). */
export function configurationCorrection(drifted: readonly string[], desired: FunctionSettings): Record<string, unknown> {
  return {
    ...desired,
    ...(drifted.includes("Environment") ? { Environment: { Variables: {} } } : {}),
    ...(drifted.includes("Layers") ? { Layers: [] } : {}),
    ...(drifted.includes("VpcConfig") ? { VpcConfig: { SubnetIds: [], SecurityGroupIds: [] } } : {}),
  };
}

/** A version holds the package when its code and settings are the desired ones. */
export function holdsPackage(config: FunctionConfiguration, desired: FunctionSettings, codeSha256: string): boolean {
  return config.CodeSha256 === codeSha256 && driftedSettings(config, desired).length === 0;
}

export function versionNumber(config: FunctionConfiguration): number | undefined {
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

export function unqualifiedArn(arn: string): string {
  return arn.replace(/(:function:[^:]+):[^:]+$/, "$1");
}

export function stateOf(name: string, version: FunctionConfiguration): EdgeFunctionState {
  const arn = unqualifiedArn(version.FunctionArn ?? "");
  const number = version.Version ?? "";
  return { name, arn, version: number, versionArn: `${arn}:${number}`, codeSha256: version.CodeSha256 ?? "" };
}

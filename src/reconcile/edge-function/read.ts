// Reading the edge function: the function or one version, its versions, and waiting (bounded) for Lambda to
// finish an update before the next write.
import {
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  GetRuntimeManagementConfigCommand,
  ListTagsCommand,
  paginateListVersionsByFunction,
  type FunctionConfiguration,
} from "@aws-sdk/client-lambda";
import { setTimeout as sleep } from "node:timers/promises";
import { isAwsError } from "../../aws/errors.ts";
import type { StepContext } from "../common/context.ts";

/** How long a reconcile waits for Lambda to finish an update before it asks to be requeued. */
const settleAttempts = 10;
const settleIntervalMs = 1_000;
const maxVersionPages = 20;

export interface ObservedFunction {
  readonly config: FunctionConfiguration;
  readonly tags: Record<string, string>;
}

/**
 * GetFunction, of the function or of one version; undefined when there is none. Lambda returns tags only for
 * the function itself: a read of a version comes back without them, so its `tags` are empty.
 */
export async function getFunction(ctx: StepContext, name: string, qualifier?: string): Promise<ObservedFunction | undefined> {
  try {
    const input = qualifier === undefined ? { FunctionName: name } : { FunctionName: name, Qualifier: qualifier };
    const result = await ctx.aws.lambda().send(new GetFunctionCommand(input), { abortSignal: ctx.signal });
    if (result.Configuration === undefined) throw new Error(`Lambda GetFunction returned no configuration for ${name}`);
    return { config: result.Configuration, tags: result.Tags ?? {} };
  } catch (error) {
    if (isAwsError(error, "NotFound")) return undefined;
    throw error;
  }
}

/** The function's tags, read from the function itself (a version's read carries none). */
export async function functionTags(ctx: StepContext, unqualifiedArn: string): Promise<Record<string, string>> {
  return (await ctx.aws.lambda().send(new ListTagsCommand({ Resource: unqualifiedArn }), { abortSignal: ctx.signal })).Tags ?? {};
}

/** When Lambda moves the function to a new runtime version: Auto unless someone changed it. */
export async function runtimeUpdateMode(ctx: StepContext, name: string): Promise<string> {
  const result = await ctx.aws.lambda().send(new GetRuntimeManagementConfigCommand({ FunctionName: name }), { abortSignal: ctx.signal });
  return result.UpdateRuntimeOn ?? "Auto";
}

/** Busy while being created or updated; Lambda refuses further updates (and CloudFront the version) until then. */
export function isBusy(config: FunctionConfiguration): boolean {
  return config.State === "Pending" || config.LastUpdateStatus === "InProgress";
}

/** Polls until the function (or a version) settles, a bounded number of times; returns the last reading. */
export async function settle(ctx: StepContext, name: string, config: FunctionConfiguration, qualifier?: string): Promise<FunctionConfiguration> {
  let current = config;
  for (let attempt = 0; isBusy(current) && attempt < settleAttempts; attempt += 1) {
    await sleep(settleIntervalMs, undefined, { signal: ctx.signal });
    const input = { FunctionName: name, ...(qualifier === undefined ? {} : { Qualifier: qualifier }) };
    current = await ctx.aws.lambda().send(new GetFunctionConfigurationCommand(input), { abortSignal: ctx.signal });
  }
  return current;
}

/** Every version of the function, $LATEST included, from a bounded listing. */
export async function listVersions(ctx: StepContext, name: string): Promise<FunctionConfiguration[]> {
  const versions: FunctionConfiguration[] = [];
  let pages = 0;
  for await (const page of paginateListVersionsByFunction({ client: ctx.aws.lambda(), pageSize: 50 }, { FunctionName: name })) {
    versions.push(...(page.Versions ?? []));
    pages += 1;
    if (pages >= maxVersionPages && page.NextMarker !== undefined && page.NextMarker !== "") {
      throw new Error(`edge function ${name} has more than ${String(maxVersionPages * 50)} versions; stopped listing`);
    }
  }
  return versions;
}

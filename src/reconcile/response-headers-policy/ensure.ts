// The response headers policy the distribution's default behaviour uses. Policies are shared by the resources of
// a cluster that have the same CORS settings: the name says the cluster, a hash of the settings and a number, so
// a spec change means another name (and the distribution moves to that policy), and a policy is only ever
// updated to put back what its name stands for, after someone's edit. A resource keeps the policy in status
// while that is one for its settings; otherwise it takes the first of that name not known to be full, found
// through the index shared by reconciles (so a crash between the create and the status write finds the policy
// instead of making a second), and created when absent.
import { CreateResponseHeadersPolicyCommand, UpdateResponseHeadersPolicyCommand, type ResponseHeadersPolicyConfig } from "@aws-sdk/client-cloudfront";
import { conditionTypes, type CorsSpec } from "../../api/index.ts";
import { hasAwsCode, isAwsError } from "../../aws/errors.ts";
import { TemporaryError } from "../../errors.ts";
import { inSync, type StepContext, type StepOutcome } from "../common/context.ts";
import { driftedSettings, sharedIndexFor, sharedResponseHeadersPolicy } from "./desired.ts";
import { findResponseHeadersPolicyByName, getResponseHeadersPolicy, lookUpResponseHeadersPolicy, type FoundResponseHeadersPolicy } from "./read.ts";

/** How often an update is tried when someone else changes the policy between our read and our write. */
const maxUpdateAttempts = 3;

export interface ResponseHeadersPolicyUse {
  readonly id: string;
  /** The policy's name: what CloudFront's answer that it serves as many distributions as allowed is kept under. */
  readonly name: string;
}

/**
 * The policy the distribution must use. `inUse` says the resource's distribution already exists (on the policy
 * in status, if that is one for its settings), so a full policy is kept rather than moved away from. In sync with
 * a known id this is one read and no write.
 */
export async function ensureResponseHeadersPolicy(ctx: StepContext, known: { id?: string; inUse: boolean }): Promise<StepOutcome<ResponseHeadersPolicyUse>> {
  const cors = ctx.resource.spec.cors;
  const use = (await keepKnown(ctx, known, cors)) ?? (await sharedUse(ctx, cors));
  const what = cors === undefined ? "HSTS" : `CORS for ${String(cors.allowedOrigins.length)} origin(s), HSTS`;
  return {
    condition: inSync(conditionTypes.responseHeadersReady, `response headers policy ${use.id} adds ${what} and Cache-Control: private`, ctx.resource.metadata.generation),
    value: use,
  };
}

/**
 * Runs `work`, which associates the distribution with the policy `use`. When CloudFront says that policy already
 * serves as many distributions as its quota allows, its name is remembered as full and the reconcile is retried
 * soon, on the next policy of the same settings.
 */
export async function onOpenResponseHeadersPolicy<T>(ctx: StepContext, use: ResponseHeadersPolicyUse, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!hasAwsCode(error, "TooManyDistributionsAssociatedToResponseHeadersPolicy")) throw error;
    ctx.fullResponseHeadersPolicies.add(use.name);
    throw new TemporaryError("ResponseHeadersPolicyFull", `response headers policy ${use.name} serves as many distributions as CloudFront allows; moving to the next one`, {
      cause: error,
      delayMs: 1_000,
    });
  }
}

/** The policy in status, when this resource may keep it: one for its settings, and not a full one it was never put on. */
async function keepKnown(ctx: StepContext, known: { id?: string; inUse: boolean }, cors: CorsSpec | undefined): Promise<ResponseHeadersPolicyUse | undefined> {
  if (known.id === undefined) return undefined;
  const found = await getResponseHeadersPolicy(ctx, known.id);
  const name = found?.config.Name;
  const index = sharedIndexFor(ctx.owner, cors, name);
  if (found === undefined || name === undefined || index === undefined) return undefined;
  if (!known.inUse && ctx.fullResponseHeadersPolicies.has(name)) return undefined;
  return { id: await correct(ctx, found, sharedResponseHeadersPolicy(ctx.owner, cors, index)), name };
}

/** The first policy for these settings that this process does not know to be full, created when absent. */
async function sharedUse(ctx: StepContext, cors: CorsSpec | undefined): Promise<ResponseHeadersPolicyUse> {
  let desired = sharedResponseHeadersPolicy(ctx.owner, cors, 1);
  // Bounded: each step passes a name in the set of full ones.
  for (let index = 2; ctx.fullResponseHeadersPolicies.has(desired.Name ?? ""); index += 1) desired = sharedResponseHeadersPolicy(ctx.owner, cors, index);
  const name = desired.Name ?? "";
  const found = await lookUpResponseHeadersPolicy(ctx, name);
  return { id: found === undefined ? await createOrAdopt(ctx, desired) : await correct(ctx, found, desired), name };
}

/** Creates the policy; if the name is taken (by another reconcile a moment ago, or one that crashed), uses that one. */
async function createOrAdopt(ctx: StepContext, desired: ResponseHeadersPolicyConfig): Promise<string> {
  try {
    const result = await ctx.aws.cloudFront().send(new CreateResponseHeadersPolicyCommand({ ResponseHeadersPolicyConfig: desired }), { abortSignal: ctx.signal });
    const id = result.ResponseHeadersPolicy?.Id;
    if (id === undefined) throw new Error("CloudFront CreateResponseHeadersPolicy returned no id");
    ctx.responseHeadersPolicies.remember(desired.Name ?? "", id);
    ctx.notices.push({ kind: "created", reason: "ResponseHeadersPolicyCreated", message: `created response headers policy ${desired.Name ?? ""} (${id})` });
    return id;
  } catch (error) {
    if (!hasAwsCode(error, "ResponseHeadersPolicyAlreadyExists")) throw error;
    const existing = await findResponseHeadersPolicyByName(ctx, desired.Name ?? "");
    if (existing === undefined) throw error;
    ctx.responseHeadersPolicies.remember(desired.Name ?? "", existing.id);
    return correct(ctx, existing, desired);
  }
}

/**
 * Puts back the whole config its name stands for, with IfMatch, when any setting differs (an update replaces the
 * whole policy). A policy found by listing has no ETag, and a write that lost a race (PreconditionFailed, say
 * to another reconcile correcting the same shared policy) is read again.
 */
async function correct(ctx: StepContext, found: FoundResponseHeadersPolicy, desired: ResponseHeadersPolicyConfig): Promise<string> {
  let current = found;
  for (let attempt = 1; ; attempt += 1) {
    const changed = driftedSettings(current.config, desired);
    if (changed.length === 0) return current.id;
    if (current.etag === undefined) {
      current = await readAgain(ctx, current.id); // at most once: a read by id carries the ETag
      continue;
    }
    try {
      await ctx.aws
        .cloudFront()
        .send(new UpdateResponseHeadersPolicyCommand({ Id: current.id, IfMatch: current.etag, ResponseHeadersPolicyConfig: desired }), { abortSignal: ctx.signal });
      ctx.notices.push({
        kind: "drift",
        reason: "ResponseHeadersPolicyCorrected",
        message: `response headers policy ${current.id} had drifted (${changed.join(", ")}); restored what its name stands for`,
        drift: "response-headers-policy",
      });
      return current.id;
    } catch (error) {
      if (!isAwsError(error, "PreconditionFailed") || attempt >= maxUpdateAttempts) throw error;
      current = await readAgain(ctx, current.id, error);
    }
  }
}

async function readAgain(ctx: StepContext, id: string, cause?: unknown): Promise<FoundResponseHeadersPolicy> {
  const reread = await getResponseHeadersPolicy(ctx, id);
  if (reread === undefined) throw new Error(`response headers policy ${id} vanished while being updated`, { cause });
  return reread;
}

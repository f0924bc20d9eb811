// The response headers policy the distribution's default behaviour uses: one per resource, created under the
// resource's deterministic name, found again by the id in status or else by that name through the index shared
// by reconciles (so a crash between the create and the status write finds the policy instead of making a
// second, and resources created together share one listing), and put back with IfMatch when its settings
// differ from the spec's: a spec change, or someone's edit.
import { CreateResponseHeadersPolicyCommand, UpdateResponseHeadersPolicyCommand, type ResponseHeadersPolicyConfig } from "@aws-sdk/client-cloudfront";
import { conditionTypes } from "../../api/index.ts";
import { hasAwsCode, isAwsError } from "../../aws/errors.ts";
import { inSync, type Notice, type StepContext, type StepOutcome } from "../common/context.ts";
import { desiredResponseHeadersPolicy, driftedSettings } from "./desired.ts";
import { allResponseHeadersPolicyIds, findResponseHeadersPolicyByName, getResponseHeadersPolicy, type FoundResponseHeadersPolicy } from "./read.ts";

/** How often an update is tried when someone else changes the policy between our read and our write. */
const maxUpdateAttempts = 3;

/**
 * The policy's id, after creating it or bringing it in line. In sync with a known id, this is one read and no
 * write.
 */
export async function ensureResponseHeadersPolicy(ctx: StepContext, knownId: string | undefined): Promise<StepOutcome<string>> {
  const cors = ctx.resource.spec.cors;
  const desired = desiredResponseHeadersPolicy(ctx.owner, cors);
  const found = await locate(ctx, knownId, desired.Name ?? "");
  const id = found === undefined ? await createOrAdopt(ctx, desired) : await correct(ctx, found, desired);
  const what = cors === undefined ? "HSTS" : `CORS for ${String(cors.allowedOrigins.length)} origin(s), HSTS`;
  return {
    condition: inSync(conditionTypes.responseHeadersReady, `response headers policy ${id} adds ${what} and Cache-Control: private`, ctx.resource.metadata.generation),
    value: id,
  };
}

/**
 * The policy in status when it still exists under our name, else the one listed under our name. A policy in
 * status with another name is not taken for ours (a status restored from another resource, say).
 */
async function locate(ctx: StepContext, knownId: string | undefined, name: string): Promise<FoundResponseHeadersPolicy | undefined> {
  const byId = knownId === undefined ? undefined : await getResponseHeadersPolicy(ctx, knownId);
  if (byId?.config.Name === name) return byId;
  return lookUp(ctx, name);
}

/**
 * The policy with this name, through the index shared by reconciles (one listing serves the resources created
 * together): a hit is confirmed by id, so a stale one costs a listing, not a wrong answer.
 */
async function lookUp(ctx: StepContext, name: string): Promise<FoundResponseHeadersPolicy | undefined> {
  const index = ctx.responseHeadersPolicies;
  const id = await index.lookup(name, () => allResponseHeadersPolicyIds(ctx));
  if (id === undefined) return undefined;
  const found = await getResponseHeadersPolicy(ctx, id);
  if (found?.config.Name === name) return found;
  index.forget(name);
  return findResponseHeadersPolicyByName(ctx, name);
}

/** Creates the policy; if the name is taken (created by a reconcile that crashed, or a moment ago), uses that one. */
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
 * Writes the whole desired config with IfMatch when any setting differs (an update replaces the whole policy).
 * A policy found by listing has no ETag, and a write that lost a race (PreconditionFailed) is read again.
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
      ctx.notices.push(updateNotice(ctx, current.id, changed));
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

/** A change after the current generation was already reconciled in sync is someone's edit: drift. */
function updateNotice(ctx: StepContext, id: string, changed: readonly string[]): Notice {
  const generation = ctx.resource.metadata.generation;
  const previous = ctx.resource.status?.conditions?.find((c) => c.type === conditionTypes.responseHeadersReady);
  const message = `updated response headers policy ${id}: ${changed.join(", ")}`;
  return previous?.status === "True" && previous.observedGeneration === generation
    ? { kind: "drift", reason: "ResponseHeadersPolicyCorrected", message, drift: "response-headers-policy" }
    : { kind: "changed", reason: "ResponseHeadersPolicyUpdated", message };
}

// Retiring the resource's response headers policy on deletion, once its distribution is gone. CloudFront refuses
// to delete a policy a cache behaviour still names (ResponseHeadersPolicyInUse, 409): deletion then waits and
// tries again, as it does for the origin access control.
import { DeleteResponseHeadersPolicyCommand } from "@aws-sdk/client-cloudfront";
import { isAwsError } from "../../aws/errors.ts";
import type { StepContext } from "../common/context.ts";
import { responseHeadersPolicyName } from "../common/naming.ts";
import { findResponseHeadersPolicyByName, getResponseHeadersPolicy } from "./read.ts";

/** The policy in status when it carries our name, else ours found by name (its id may never have reached status). */
async function retirable(ctx: StepContext): Promise<{ id: string; etag: string | undefined } | undefined> {
  const name = responseHeadersPolicyName(ctx.owner);
  const recorded = ctx.resource.status?.responseHeadersPolicyId;
  const byId = recorded === undefined ? undefined : await getResponseHeadersPolicy(ctx, recorded);
  if (byId?.config.Name === name) return { id: byId.id, etag: byId.etag };
  const byName = await findResponseHeadersPolicyByName(ctx, name);
  if (byName === undefined) return undefined;
  return { id: byName.id, etag: (await getResponseHeadersPolicy(ctx, byName.id))?.etag };
}

/** Deletes the resource's policy. Returns what deletion waits for, or undefined when it is gone. */
export async function retireResponseHeadersPolicy(ctx: StepContext): Promise<string | undefined> {
  const policy = await retirable(ctx);
  if (policy?.etag === undefined) return undefined;
  try {
    await ctx.aws.cloudFront().send(new DeleteResponseHeadersPolicyCommand({ Id: policy.id, IfMatch: policy.etag }), { abortSignal: ctx.signal });
  } catch (error) {
    if (isAwsError(error, "NotFound")) return undefined;
    if (isAwsError(error, "Conflict") || isAwsError(error, "PreconditionFailed")) return `response headers policy ${policy.id} to be released by the distributions that use it`;
    throw error;
  }
  ctx.responseHeadersPolicies.forget(responseHeadersPolicyName(ctx.owner));
  ctx.notices.push({ kind: "deleted", reason: "ResponseHeadersPolicyDeleted", message: `deleted response headers policy ${policy.id}` });
  return undefined;
}

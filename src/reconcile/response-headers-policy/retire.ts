// Letting go of a shared response headers policy: when the distribution moved to another policy (its spec's CORS
// changed), and on deletion once the distribution is gone. The policy is deleted only when no distribution uses
// it any more: CloudFront refuses (ResponseHeadersPolicyInUse) while another resource's distribution still names
// it, and the policy is then simply left to them; the last one to let go deletes it. A policy that is not one of
// the cluster's shared ones is never touched.
import { DeleteResponseHeadersPolicyCommand } from "@aws-sdk/client-cloudfront";
import { hasAwsCode, isAwsError } from "../../aws/errors.ts";
import type { StepContext } from "../common/context.ts";
import { isClusterPolicy, sharedResponseHeadersPolicy } from "./desired.ts";
import { getResponseHeadersPolicy, lookUpResponseHeadersPolicy } from "./read.ts";

/** How often a delete is tried when the policy changes (a drift correction, say) between our read and our delete. */
const maxDeleteAttempts = 3;

/** Deletes the cluster's policy `id` unless a distribution still uses it. */
export async function releaseResponseHeadersPolicy(ctx: StepContext, id: string): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    const found = await getResponseHeadersPolicy(ctx, id);
    const name = found?.config.Name;
    if (found?.etag === undefined || name === undefined || !isClusterPolicy(ctx.owner, name)) return;
    try {
      await ctx.aws.cloudFront().send(new DeleteResponseHeadersPolicyCommand({ Id: id, IfMatch: found.etag }), { abortSignal: ctx.signal });
    } catch (error) {
      if (isAwsError(error, "NotFound") || hasAwsCode(error, "ResponseHeadersPolicyInUse")) return; // gone, or still someone's
      if (isAwsError(error, "PreconditionFailed") && attempt < maxDeleteAttempts) continue;
      throw error;
    }
    ctx.responseHeadersPolicies.forget(name);
    ctx.notices.push({ kind: "deleted", reason: "ResponseHeadersPolicyDeleted", message: `deleted response headers policy ${name} (${id}), which no distribution uses any more` });
    return;
  }
}

/** After the distribution was put on policy `current`: lets go of the one it used before, if another. */
export async function releasePreviousResponseHeadersPolicy(ctx: StepContext, previous: string | undefined, current: string): Promise<void> {
  if (previous !== undefined && previous !== current) await releaseResponseHeadersPolicy(ctx, previous);
}

/**
 * On deletion, once the resource's distribution is gone: lets go of the policy in status, and of the one for
 * its current settings (found by name, as its id may never have reached status after a crash or a spec change).
 * Never waits: a policy still in use belongs to the other resources that use it.
 */
export async function retireResponseHeadersPolicy(ctx: StepContext): Promise<void> {
  const recorded = ctx.resource.status?.responseHeadersPolicyId;
  if (recorded !== undefined) await releaseResponseHeadersPolicy(ctx, recorded);
  const current = await lookUpResponseHeadersPolicy(ctx, sharedResponseHeadersPolicy(ctx.owner, ctx.resource.spec.cors, 1).Name ?? "");
  if (current !== undefined && current.id !== recorded) await releaseResponseHeadersPolicy(ctx, current.id);
}

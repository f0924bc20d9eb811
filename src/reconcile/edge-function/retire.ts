// Retiring the edge function: Lambda refuses to delete it for hours after its CloudFront association is gone
// (its replicas linger), so deletion only marks it, and the sweeper deletes it once Lambda allows. Only a
// function whose tags name this very resource (its uid) is marked: a name can be reproduced, a uid cannot. A
// resource made before the cluster uid may still use a function of the legacy name; that one is marked too.
import { TagResourceCommand } from "@aws-sdk/client-lambda";
import type { StepContext } from "../common/context.ts";
import { edgeFunctionName, legacyEdgeFunctionName, tagKeys } from "../common/naming.ts";
import { getFunction } from "./read.ts";

/** Marks this resource's functions for the sweeper, those that exist and whose tags show they are its own. */
export async function markEdgeFunctionForSweeper(ctx: StepContext): Promise<void> {
  const current = edgeFunctionName(ctx.owner);
  for (const name of new Set([current, legacyEdgeFunctionName(ctx.owner)])) {
    const observed = await getFunction(ctx, name);
    const arn = observed?.config.FunctionArn;
    if (observed === undefined || arn === undefined) continue;
    if (observed.tags[tagKeys.uid] !== ctx.resource.metadata.uid) {
      // The legacy name may be another cluster's function of the same CLUSTER_NAME: not ours to mention.
      if (name === current) {
        ctx.notices.push({ kind: "warning", reason: "EdgeFunctionNotOwned", message: `edge function ${name} is not tagged as this resource's; it is left untouched` });
      }
      continue;
    }
    const mark = { [tagKeys.pendingDeletion]: new Date().toISOString().replace(/:/g, "-") };
    await ctx.aws.lambda().send(new TagResourceCommand({ Resource: arn, Tags: mark }), { abortSignal: ctx.signal });
    ctx.notices.push({ kind: "deleted", reason: "EdgeFunctionPendingDeletion", message: `edge function ${name} is marked for deletion once CloudFront releases its replicas` });
  }
}

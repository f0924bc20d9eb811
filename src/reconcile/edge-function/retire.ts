// Retiring the edge function: Lambda refuses to delete it for hours after its CloudFront association is gone
// (its replicas linger), so deletion only marks it, and the sweeper deletes it once Lambda allows. Only a
// function whose tags name this very resource (its uid) is marked: a name can be reproduced, a uid cannot.
import { TagResourceCommand } from "@aws-sdk/client-lambda";
import type { StepContext } from "../common/context.ts";
import { edgeFunctionName, tagKeys } from "../common/naming.ts";
import { getFunction } from "./read.ts";

/** Marks this resource's function for the sweeper, if it exists and its tags show it is this resource's. */
export async function markEdgeFunctionForSweeper(ctx: StepContext): Promise<void> {
  const name = edgeFunctionName(ctx.owner);
  const observed = await getFunction(ctx, name);
  const arn = observed?.config.FunctionArn;
  if (observed === undefined || arn === undefined) return;
  if (observed.tags[tagKeys.uid] !== ctx.resource.metadata.uid) {
    ctx.notices.push({
      kind: "warning",
      reason: "EdgeFunctionNotOwned",
      message: `edge function ${name} is not tagged as this resource's; it is left untouched`,
    });
    return;
  }
  const mark = { [tagKeys.pendingDeletion]: new Date().toISOString().replace(/:/g, "-") };
  await ctx.aws.lambda().send(new TagResourceCommand({ Resource: arn, Tags: mark }), { abortSignal: ctx.signal });
  ctx.notices.push({ kind: "deleted", reason: "EdgeFunctionPendingDeletion", message: `edge function ${name} is marked for deletion once CloudFront releases its replicas` });
}

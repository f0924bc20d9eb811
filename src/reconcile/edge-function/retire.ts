// Retiring the edge function: Lambda refuses to delete it for hours after its CloudFront association is gone
// (its replicas linger), so deletion only marks it, and the sweeper deletes it once Lambda allows.
import { TagResourceCommand } from "@aws-sdk/client-lambda";
import type { StepContext } from "../common/context.ts";
import { edgeFunctionName, tagKeys } from "../common/naming.ts";
import { getFunction } from "./read.ts";

/** Marks this resource's function for the sweeper, if it exists. */
export async function markEdgeFunctionForSweeper(ctx: StepContext): Promise<void> {
  const name = edgeFunctionName(ctx.owner);
  const arn = (await getFunction(ctx, name))?.config.FunctionArn;
  if (arn === undefined) return;
  const mark = { [tagKeys.pendingDeletion]: new Date().toISOString().replace(/:/g, "-") };
  await ctx.aws.lambda().send(new TagResourceCommand({ Resource: arn, Tags: mark }), { abortSignal: ctx.signal });
  ctx.notices.push({ kind: "deleted", reason: "EdgeFunctionPendingDeletion", message: `edge function ${name} is marked for deletion once CloudFront releases its replicas` });
}

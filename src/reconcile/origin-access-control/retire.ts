// Deleting the Origin Access Control once no distribution uses it; found by the id in status, else by name.
import { DeleteOriginAccessControlCommand } from "@aws-sdk/client-cloudfront";
import { isAwsError } from "../../aws/errors.ts";
import type { StepContext } from "../shared/context.ts";
import { desiredOriginAccessControl } from "./desired.ts";
import { findOriginAccessControlByName, getOriginAccessControl } from "./read.ts";

/** Deletes this resource's OAC. Returns what deletion waits for, or undefined once it is gone. */
export async function retireOriginAccessControl(ctx: StepContext): Promise<string | undefined> {
  const id = ctx.resource.status?.originAccessControlId ?? (await findOriginAccessControlByName(ctx, desiredOriginAccessControl(ctx.owner).Name))?.id;
  if (id === undefined) return undefined;
  const current = await getOriginAccessControl(ctx, id);
  if (current === undefined) return undefined;
  try {
    await ctx.aws.cloudFront().send(new DeleteOriginAccessControlCommand({ Id: id, IfMatch: current.etag }), { abortSignal: ctx.signal });
  } catch (error) {
    if (isAwsError(error, "NotFound")) return undefined;
    if (isAwsError(error, "Conflict") || isAwsError(error, "PreconditionFailed")) return `origin access control ${id} to be released by its distribution`;
    throw error;
  }
  ctx.notices.push({ kind: "deleted", reason: "OriginAccessControlDeleted", message: `deleted origin access control ${id}` });
  return undefined;
}

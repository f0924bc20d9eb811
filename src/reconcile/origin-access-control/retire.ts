// Retiring origin access controls on deletion, once the resource's distributions are gone. The resource's own
// OAC (from before OACs were shared) is deleted, waiting while CloudFront still sees it in use. A shared OAC is
// deleted only when no other distribution uses it: CloudFront refuses (OriginAccessControlInUse) while one does,
// and then it is simply left for them.
import { DeleteOriginAccessControlCommand } from "@aws-sdk/client-cloudfront";
import { isAwsError } from "../../aws/errors.ts";
import type { StepContext } from "../common/context.ts";
import { desiredFor, ownOriginAccessControl, sharedIndexOf } from "./desired.ts";
import { findOriginAccessControlByName, getOriginAccessControl, notOursNotice } from "./read.ts";

/** The OAC in status when it is one this resource used, else its own found by name. */
async function retirable(ctx: StepContext): Promise<{ id: string; etag: string | undefined; shared: boolean } | undefined> {
  const recorded = ctx.resource.status?.originAccessControlId;
  const byId = recorded === undefined ? undefined : await getOriginAccessControl(ctx, recorded);
  const name = byId?.settings.Name;
  if (byId !== undefined && desiredFor(ctx.owner, name, { legacy: true }) !== undefined) {
    return { id: byId.id, etag: byId.etag, shared: sharedIndexOf(ctx.owner, name) !== undefined };
  }
  if (byId !== undefined) ctx.notices.push(notOursNotice());
  const own = await findOriginAccessControlByName(ctx, ownOriginAccessControl(ctx.owner).Name);
  if (own === undefined) return undefined;
  return { id: own.id, etag: (await getOriginAccessControl(ctx, own.id))?.etag, shared: false };
}

/** Deletes what this resource may delete. Returns what deletion waits for, or undefined when done. */
export async function retireOriginAccessControl(ctx: StepContext): Promise<string | undefined> {
  const oac = await retirable(ctx);
  if (oac?.etag === undefined) return undefined;
  try {
    await ctx.aws.cloudFront().send(new DeleteOriginAccessControlCommand({ Id: oac.id, IfMatch: oac.etag }), { abortSignal: ctx.signal });
  } catch (error) {
    if (isAwsError(error, "NotFound")) return undefined;
    if (oac.shared && isAwsError(error, "Conflict")) return undefined; // other distributions still use it
    if (isAwsError(error, "Conflict") || isAwsError(error, "PreconditionFailed")) return `origin access control ${oac.id} to be released by its distribution`;
    throw error;
  }
  ctx.notices.push({ kind: "deleted", reason: "OriginAccessControlDeleted", message: `deleted origin access control ${oac.id}` });
  return undefined;
}

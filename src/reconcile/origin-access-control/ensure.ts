// The Origin Access Control that signs CloudFront's requests to the bucket: s3, sigv4, always. Found by the id
// in status, else by its deterministic name; created when absent; drifted settings put back.
import { CreateOriginAccessControlCommand, UpdateOriginAccessControlCommand } from "@aws-sdk/client-cloudfront";
import { hasAwsCode } from "../../aws/errors.ts";
import { conditionTypes } from "../../api/index.ts";
import { inSync, type StepContext, type StepOutcome } from "../shared/context.ts";
import { desiredOriginAccessControl, driftedSettings, type OwnedSettings } from "./desired.ts";
import { allOriginAccessControlIds, findOriginAccessControlByName, getOriginAccessControl, type FoundOriginAccessControl } from "./read.ts";

/**
 * The OAC with this name, through the index shared by reconciles: a hit is confirmed by id, so a stale one costs
 * a listing, not a wrong answer.
 */
async function lookUp(ctx: StepContext, name: string): Promise<FoundOriginAccessControl | undefined> {
  const index = ctx.originAccessControls;
  const id = await index.lookup(name, () => allOriginAccessControlIds(ctx));
  if (id === undefined) return undefined;
  const found = await getOriginAccessControl(ctx, id);
  if (found?.settings.Name === name) return found;
  index.forget(name);
  return findOriginAccessControlByName(ctx, name);
}

/** Puts our settings back; the ETag comes from the read by id, or from a fresh read after a lookup by name. */
async function correct(ctx: StepContext, found: FoundOriginAccessControl, desired: OwnedSettings): Promise<void> {
  const etag = found.etag ?? (await getOriginAccessControl(ctx, found.id))?.etag;
  if (etag === undefined) throw new Error(`origin access control ${found.id} vanished while being corrected`);
  await ctx.aws
    .cloudFront()
    .send(new UpdateOriginAccessControlCommand({ Id: found.id, IfMatch: etag, OriginAccessControlConfig: desired }), { abortSignal: ctx.signal });
}

/** Creates the OAC; if another reconcile created it a moment ago (the name is taken), uses that one. */
async function createOrAdopt(ctx: StepContext, desired: OwnedSettings): Promise<string> {
  try {
    const result = await ctx.aws.cloudFront().send(new CreateOriginAccessControlCommand({ OriginAccessControlConfig: desired }), { abortSignal: ctx.signal });
    const id = result.OriginAccessControl?.Id;
    if (id === undefined) throw new Error("CloudFront CreateOriginAccessControl returned no id");
    ctx.originAccessControls.remember(desired.Name, id);
    ctx.notices.push({ kind: "created", reason: "OriginAccessControlCreated", message: `created origin access control ${desired.Name} (${id})` });
    return id;
  } catch (error) {
    if (!hasAwsCode(error, "OriginAccessControlAlreadyExists")) throw error;
    const existing = await findOriginAccessControlByName(ctx, desired.Name);
    if (existing === undefined) throw error;
    ctx.originAccessControls.remember(desired.Name, existing.id);
    return existing.id;
  }
}

/**
 * Finds the OAC (by the id in status, else by name), creates it when absent, and corrects drifted settings.
 * In sync with a known id this is one read and no write.
 */
export async function ensureOriginAccessControl(ctx: StepContext, known: { id?: string }): Promise<StepOutcome<{ id: string }>> {
  const desired = desiredOriginAccessControl(ctx.owner);
  const generation = ctx.resource.metadata.generation;
  const byId = known.id === undefined ? undefined : await getOriginAccessControl(ctx, known.id);
  // An id whose OAC carries another name is not ours (a restored status, say): fall back to the name.
  const found = byId?.settings.Name === desired.Name ? byId : await lookUp(ctx, desired.Name);
  const id = found === undefined ? await createOrAdopt(ctx, desired) : found.id;
  if (found !== undefined) {
    const drifted = driftedSettings(found.settings, desired);
    if (drifted.length > 0) {
      await correct(ctx, found, desired);
      ctx.notices.push({
        kind: "drift",
        reason: "OriginAccessControlCorrected",
        message: `origin access control ${found.id} had drifted (${drifted.join(", ")}); restored s3/sigv4/always`,
        drift: "origin-access-control",
      });
    }
  }
  return { condition: inSync(conditionTypes.originAccessReady, `origin access control ${id} signs requests to the bucket`, generation), value: { id } };
}

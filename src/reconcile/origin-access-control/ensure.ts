// The origin access control that signs CloudFront's requests to the bucket: s3, sigv4, always. A resource keeps
// the OAC its status names while that is one it may use (its cluster's shared OAC, or its own from before OACs
// were shared); otherwise it takes the cluster's first shared OAC not known to be full, found by its name
// through the shared index, and created when absent. Drifted settings are put back.
import { CreateOriginAccessControlCommand, UpdateOriginAccessControlCommand } from "@aws-sdk/client-cloudfront";
import { conditionTypes } from "../../api/index.ts";
import { hasAwsCode } from "../../aws/errors.ts";
import { inSync, type StepContext, type StepOutcome } from "../common/context.ts";
import { sharedOriginAccessControlIndex } from "../common/naming.ts";
import { desiredFor, driftedSettings, sharedOriginAccessControl, type OwnedSettings } from "./desired.ts";
import { allOriginAccessControlIds, findOriginAccessControlByName, getOriginAccessControl, notOursNotice, type FoundOriginAccessControl } from "./read.ts";

export interface OriginAccessControlUse {
  readonly id: string;
  /** The number of the cluster's shared OAC, or undefined for a resource's own. */
  readonly sharedIndex: number | undefined;
}

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
  ctx.notices.push({
    kind: "drift",
    reason: "OriginAccessControlCorrected",
    message: `origin access control ${found.id} had drifted (${driftedSettings(found.settings, desired).join(", ")}); restored s3/sigv4/always`,
    drift: "origin-access-control",
  });
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

/** The first shared OAC number this process does not know to be full. */
export function firstOpenIndex(full: ReadonlySet<number>): number {
  let index = 1;
  while (full.has(index)) index += 1;
  return index;
}

/** The OAC in status, when this resource may keep it: one it may use, and not a full one it was never put on. */
async function keepKnown(ctx: StepContext, known: { id?: string; inUse: boolean }): Promise<OriginAccessControlUse | undefined> {
  if (known.id === undefined) return undefined;
  const found = await getOriginAccessControl(ctx, known.id);
  const desired = desiredFor(ctx.owner, found?.settings.Name, { legacy: known.inUse });
  if (found !== undefined && desired === undefined) ctx.notices.push(notOursNotice());
  if (found === undefined || desired === undefined) return undefined;
  const sharedIndex = sharedOriginAccessControlIndex(ctx.owner, desired.Name);
  if (!known.inUse && sharedIndex !== undefined && ctx.fullSharedOriginAccessControls.has(sharedIndex)) return undefined;
  if (driftedSettings(found.settings, desired).length > 0) await correct(ctx, found, desired);
  return { id: found.id, sharedIndex };
}

/**
 * The OAC the distribution must use. `inUse` says the resource's distribution already exists (on the OAC in
 * status, if that is one it may use), so a full shared OAC is kept rather than moved away from. In sync with a
 * known id this is one read and no write.
 */
export async function ensureOriginAccessControl(ctx: StepContext, known: { id?: string; inUse: boolean }): Promise<StepOutcome<OriginAccessControlUse>> {
  const generation = ctx.resource.metadata.generation;
  const kept = await keepKnown(ctx, known);
  const use = kept ?? (await sharedUse(ctx));
  return { condition: inSync(conditionTypes.originAccessReady, `origin access control ${use.id} signs requests to the bucket`, generation), value: use };
}

async function sharedUse(ctx: StepContext): Promise<OriginAccessControlUse> {
  const sharedIndex = firstOpenIndex(ctx.fullSharedOriginAccessControls);
  const desired = sharedOriginAccessControl(ctx.owner, sharedIndex);
  const found = await lookUp(ctx, desired.Name);
  if (found === undefined) return { id: await createOrAdopt(ctx, desired), sharedIndex };
  if (driftedSettings(found.settings, desired).length > 0) await correct(ctx, found, desired);
  return { id: found.id, sharedIndex };
}

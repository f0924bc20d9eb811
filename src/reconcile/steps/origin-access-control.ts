// The Origin Access Control that signs CloudFront's requests to the bucket: s3, sigv4, always. It has a
// deterministic name, so after a crash or a lost status it is found again by name instead of created twice.
import {
  CreateOriginAccessControlCommand,
  GetOriginAccessControlCommand,
  ListOriginAccessControlsCommand,
  UpdateOriginAccessControlCommand,
  type OriginAccessControlConfig,
  type OriginAccessControlList,
  type OriginAccessControlSummary,
} from "@aws-sdk/client-cloudfront";
import { isAwsError, toAwsError } from "../../aws/errors.ts";
import { originAccessControlName, type OwnerIdentity } from "../naming.ts";
import { inSync, type StepContext, type StepOutcome } from "./context.ts";

export const originAccessConditionType = "OriginAccessReady";

/** More pages than any account should have (100 each); a bound, so a runaway listing cannot loop forever. */
const maxListPages = 50;

type ConfigKey = "Name" | "Description" | "OriginAccessControlOriginType" | "SigningBehavior" | "SigningProtocol";
/** Every setting of an OAC; we own them all. */
export type OwnedSettings = { readonly [K in ConfigKey]-?: NonNullable<OriginAccessControlConfig[K]> };

/** The OAC this resource should have. */
export function desiredOriginAccessControl(owner: OwnerIdentity): OwnedSettings {
  return {
    Name: originAccessControlName(owner),
    Description: `SecuredContentBucket ${owner.namespace}/${owner.name}`,
    OriginAccessControlOriginType: "s3",
    SigningBehavior: "always",
    SigningProtocol: "sigv4",
  };
}

/** The settings that differ from what we want, by name; empty when in sync. */
export function driftedSettings(current: Partial<OwnedSettings>, desired: OwnedSettings): string[] {
  return (Object.keys(desired) as (keyof OwnedSettings)[]).filter((key) => (current[key] ?? "") !== desired[key]);
}

interface Found {
  readonly id: string;
  readonly settings: Partial<OwnedSettings>;
  /** Known when the OAC was read by id; a lookup by name must read it again before an update. */
  readonly etag?: string;
}

async function getById(ctx: StepContext, id: string): Promise<Found | undefined> {
  let result;
  try {
    result = await ctx.aws.cloudFront().send(new GetOriginAccessControlCommand({ Id: id }), { abortSignal: ctx.signal });
  } catch (error) {
    const failure = toAwsError(error, "cloudfront", "GetOriginAccessControl");
    if (failure.code === "NotFound") return undefined;
    throw failure;
  }
  const config = result.OriginAccessControl?.OriginAccessControlConfig;
  if (config === undefined || result.ETag === undefined) throw new Error(`CloudFront GetOriginAccessControl returned no config for ${id}`);
  return { id, settings: settingsOf(config), etag: result.ETag };
}

async function listPage(ctx: StepContext, marker: string | undefined): Promise<OriginAccessControlList | undefined> {
  try {
    const result = await ctx.aws
      .cloudFront()
      .send(new ListOriginAccessControlsCommand({ ...(marker === undefined ? {} : { Marker: marker }), MaxItems: 100 }), { abortSignal: ctx.signal });
    return result.OriginAccessControlList;
  } catch (error) {
    throw toAwsError(error, "cloudfront", "ListOriginAccessControls");
  }
}

/** ListOriginAccessControls, page by page, until `stop` says the page holds what is looked for. */
async function listPages(ctx: StepContext, stop: (items: readonly OriginAccessControlSummary[]) => boolean): Promise<void> {
  let marker: string | undefined;
  for (let page = 0; page < maxListPages; page += 1) {
    const list = await listPage(ctx, marker);
    if (stop(list?.Items ?? [])) return;
    if (list?.IsTruncated !== true || list.NextMarker === undefined || list.NextMarker === "") return;
    marker = list.NextMarker;
  }
  throw new Error(`more than ${String(maxListPages * 100)} origin access controls; stopped listing them`);
}

/** The OAC with this name, from a listing; the summaries carry every setting we compare. */
async function findByName(ctx: StepContext, name: string): Promise<Found | undefined> {
  let found: Found | undefined;
  await listPages(ctx, (items) => {
    const match = items.find((item) => item.Name === name);
    if (match?.Id !== undefined) found = { id: match.Id, settings: settingsOf(match) };
    return found !== undefined;
  });
  return found;
}

/** Every OAC's id by name, for the index shared by reconciles. */
async function allIds(ctx: StepContext): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  await listPages(ctx, (items) => {
    for (const item of items) if (item.Name !== undefined && item.Id !== undefined) ids.set(item.Name, item.Id);
    return false;
  });
  return ids;
}

/**
 * The OAC with this name: through the shared index when there is one (a hit is confirmed by id, so a stale one
 * costs a listing, not a wrong answer), else by listing.
 */
async function lookUp(ctx: StepContext, name: string): Promise<Found | undefined> {
  const index = ctx.originAccessControls;
  if (index === undefined) return findByName(ctx, name);
  const id = await index.lookup(name, () => allIds(ctx));
  if (id === undefined) return undefined;
  const found = await getById(ctx, id);
  if (found?.settings.Name === name) return found;
  index.forget(name);
  return findByName(ctx, name);
}

/** This resource's OAC by its name: how deletion finds one whose id never reached status. */
export async function findOriginAccessControlId(ctx: StepContext): Promise<string | undefined> {
  return (await findByName(ctx, desiredOriginAccessControl(ctx.owner).Name))?.id;
}

function settingsOf(config: OriginAccessControlConfig | OriginAccessControlSummary): Partial<OwnedSettings> {
  return {
    ...(config.Name === undefined ? {} : { Name: config.Name }),
    ...(config.Description === undefined ? {} : { Description: config.Description }),
    ...(config.OriginAccessControlOriginType === undefined ? {} : { OriginAccessControlOriginType: config.OriginAccessControlOriginType }),
    ...(config.SigningBehavior === undefined ? {} : { SigningBehavior: config.SigningBehavior }),
    ...(config.SigningProtocol === undefined ? {} : { SigningProtocol: config.SigningProtocol }),
  };
}

async function create(ctx: StepContext, desired: OwnedSettings): Promise<string> {
  let id: string | undefined;
  try {
    const result = await ctx.aws.cloudFront().send(new CreateOriginAccessControlCommand({ OriginAccessControlConfig: desired }), { abortSignal: ctx.signal });
    id = result.OriginAccessControl?.Id;
  } catch (error) {
    throw toAwsError(error, "cloudfront", "CreateOriginAccessControl");
  }
  if (id === undefined) throw new Error("CloudFront CreateOriginAccessControl returned no id");
  return id;
}

/** Puts our settings back; the ETag comes from the read by id, or from a fresh read after a lookup by name. */
async function correct(ctx: StepContext, found: Found, desired: OwnedSettings): Promise<void> {
  const etag = found.etag ?? (await getById(ctx, found.id))?.etag;
  if (etag === undefined) throw new Error(`origin access control ${found.id} vanished while being corrected`);
  try {
    await ctx.aws
      .cloudFront()
      .send(new UpdateOriginAccessControlCommand({ Id: found.id, IfMatch: etag, OriginAccessControlConfig: desired }), { abortSignal: ctx.signal });
  } catch (error) {
    throw toAwsError(error, "cloudfront", "UpdateOriginAccessControl");
  }
}

/**
 * Finds the OAC (by the id in status, else by name), creates it when absent, and corrects drifted settings.
 * In sync with a known id this is one read and no write.
 */
export async function ensureOriginAccessControl(ctx: StepContext, known: { id?: string }): Promise<StepOutcome<{ id: string }>> {
  const desired = desiredOriginAccessControl(ctx.owner);
  const generation = ctx.resource.metadata.generation;
  const byId = known.id === undefined ? undefined : await getById(ctx, known.id);
  // An id whose OAC carries another name is not ours (a restored status, say): fall back to the name.
  const found = byId?.settings.Name === desired.Name ? byId : await lookUp(ctx, desired.Name);
  if (found === undefined) {
    const id = await createOrAdopt(ctx, desired);
    return { condition: inSync(originAccessConditionType, `origin access control ${id} signs requests to the bucket`, generation), value: { id } };
  }
  const drifted = driftedSettings(found.settings, desired);
  if (drifted.length > 0) {
    await correct(ctx, found, desired);
    ctx.notices.push({
      type: "Warning",
      reason: "OriginAccessControlCorrected",
      message: `origin access control ${found.id} had drifted (${drifted.join(", ")}); restored s3/sigv4/always`,
      drift: "origin-access-control",
    });
  }
  return { condition: inSync(originAccessConditionType, `origin access control ${found.id} signs requests to the bucket`, generation), value: { id: found.id } };
}

/** Creates the OAC; if another reconcile created it a moment ago (the name is taken), uses that one. */
async function createOrAdopt(ctx: StepContext, desired: OwnedSettings): Promise<string> {
  try {
    const id = await create(ctx, desired);
    ctx.originAccessControls?.remember(desired.Name, id);
    ctx.notices.push({ type: "Normal", reason: "OriginAccessControlCreated", message: `created origin access control ${desired.Name} (${id})` });
    return id;
  } catch (error) {
    if (!isAwsError(error, "Conflict") || error.awsCode !== "OriginAccessControlAlreadyExists") throw error;
    const existing = await findByName(ctx, desired.Name);
    if (existing === undefined) throw error;
    ctx.originAccessControls?.remember(desired.Name, existing.id);
    return existing.id;
  }
}

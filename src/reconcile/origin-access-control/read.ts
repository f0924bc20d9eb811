// Reading origin access controls: by id, and by name through a listing (the name is deterministic, so an OAC
// whose id never reached status is found again instead of created twice).
import { GetOriginAccessControlCommand, paginateListOriginAccessControls, type OriginAccessControlSummary } from "@aws-sdk/client-cloudfront";
import { isAwsError } from "../../aws/errors.ts";
import type { Notice, StepContext } from "../common/context.ts";
import { settingsOf, type OwnedSettings } from "./desired.ts";

/** More pages than any account should have (100 each); a bound, so a runaway listing cannot loop forever. */
const maxListPages = 50;

export interface FoundOriginAccessControl {
  readonly id: string;
  readonly settings: Partial<OwnedSettings>;
  /** Known when the OAC was read by id; a lookup by name must read it again before a write. */
  readonly etag?: string;
}

/** GetOriginAccessControl; undefined when there is no such OAC. */
export async function getOriginAccessControl(ctx: StepContext, id: string): Promise<FoundOriginAccessControl | undefined> {
  let result;
  try {
    result = await ctx.aws.cloudFront().send(new GetOriginAccessControlCommand({ Id: id }), { abortSignal: ctx.signal });
  } catch (error) {
    if (isAwsError(error, "NotFound")) return undefined;
    throw error;
  }
  const config = result.OriginAccessControl?.OriginAccessControlConfig;
  if (config === undefined || result.ETag === undefined) throw new Error(`CloudFront GetOriginAccessControl returned no config for ${id}`);
  return { id, settings: settingsOf(config), etag: result.ETag };
}

/** ListOriginAccessControls, page by page, until `stop` says the page holds what is looked for. */
async function listPages(ctx: StepContext, stop: (items: readonly OriginAccessControlSummary[]) => boolean): Promise<void> {
  let pages = 0;
  const paginator = paginateListOriginAccessControls({ client: ctx.aws.cloudFront(), pageSize: 100 }, {});
  for await (const page of paginator) {
    if (stop(page.OriginAccessControlList?.Items ?? [])) return;
    pages += 1;
    if (pages >= maxListPages) throw new Error(`more than ${String(maxListPages * 100)} origin access controls; stopped listing them`);
  }
}

/** The OAC with this name, from a listing. */
export async function findOriginAccessControlByName(ctx: StepContext, name: string): Promise<FoundOriginAccessControl | undefined> {
  let found: FoundOriginAccessControl | undefined;
  await listPages(ctx, (items) => {
    const match = items.find((item) => item.Name === name);
    if (match?.Id !== undefined) found = { id: match.Id, settings: settingsOf(match) };
    return found !== undefined;
  });
  return found;
}

/** Every OAC's id by name, for the index shared by reconciles. */
export async function allOriginAccessControlIds(ctx: StepContext): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  await listPages(ctx, (items) => {
    for (const item of items) if (item.Name !== undefined && item.Id !== undefined) ids.set(item.Name, item.Id);
    return false;
  });
  return ids;
}

/** Status named an OAC this resource may not use: said without naming it, since it is someone else's. */
export function notOursNotice(): Notice {
  return {
    kind: "warning",
    reason: "OriginAccessControlNotOwned",
    message: "status.originAccessControlId names an origin access control that is neither this resource's nor its cluster's; it is ignored and left untouched",
  };
}

// Reading response headers policies: by id, and by name through a listing of the account's own policies (a
// policy has no tags and no caller reference, so its deterministic name is what finds it after a crash), and by
// name through the index shared by reconciles.
import { GetResponseHeadersPolicyCommand, ListResponseHeadersPoliciesCommand, type ResponseHeadersPolicyConfig } from "@aws-sdk/client-cloudfront";
import { isAwsError } from "../../aws/errors.ts";
import type { StepContext } from "../common/context.ts";

/** Far more pages than an account can fill (20 custom policies by default); a bound, so a listing cannot loop forever. */
const maxListPages = 20;

export interface FoundResponseHeadersPolicy {
  readonly id: string;
  readonly config: ResponseHeadersPolicyConfig;
  /** Known when the policy was read by id; a lookup by name must read it again before a write. */
  readonly etag?: string;
}

/** GetResponseHeadersPolicy; undefined when there is no such policy. */
export async function getResponseHeadersPolicy(ctx: StepContext, id: string): Promise<FoundResponseHeadersPolicy | undefined> {
  let result;
  try {
    result = await ctx.aws.cloudFront().send(new GetResponseHeadersPolicyCommand({ Id: id }), { abortSignal: ctx.signal });
  } catch (error) {
    if (isAwsError(error, "NotFound")) return undefined;
    throw error;
  }
  const config = result.ResponseHeadersPolicy?.ResponseHeadersPolicyConfig;
  if (config === undefined || result.ETag === undefined) throw new Error(`CloudFront GetResponseHeadersPolicy returned no config for ${id}`);
  return { id, config, etag: result.ETag };
}

/** ListResponseHeadersPolicies of the account's own (custom) policies, page by page, until `stop` says the page holds what is looked for. */
async function listPages(ctx: StepContext, stop: (items: readonly FoundResponseHeadersPolicy[]) => boolean): Promise<void> {
  let marker: string | undefined;
  for (let page = 0; page < maxListPages; page += 1) {
    const result = await ctx.aws
      .cloudFront()
      .send(new ListResponseHeadersPoliciesCommand({ Type: "custom", MaxItems: 100, ...(marker === undefined ? {} : { Marker: marker }) }), {
        abortSignal: ctx.signal,
      });
    const list = result.ResponseHeadersPolicyList;
    const items = (list?.Items ?? []).flatMap((item) => {
      const policy = item.ResponseHeadersPolicy;
      const config = policy?.ResponseHeadersPolicyConfig;
      return policy?.Id === undefined || config === undefined ? [] : [{ id: policy.Id, config }];
    });
    if (stop(items)) return;
    marker = list?.NextMarker;
    if (marker === undefined || marker === "") return;
  }
  throw new Error(`more than ${String(maxListPages)} pages of response headers policies; stopped listing them`);
}

/** The account's own policy with this name, from a listing. */
export async function findResponseHeadersPolicyByName(ctx: StepContext, name: string): Promise<FoundResponseHeadersPolicy | undefined> {
  let found: FoundResponseHeadersPolicy | undefined;
  await listPages(ctx, (items) => {
    found = items.find((item) => item.config.Name === name);
    return found !== undefined;
  });
  return found;
}

/** Every own policy's id by name, for the index shared by reconciles. */
export async function allResponseHeadersPolicyIds(ctx: StepContext): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  await listPages(ctx, (items) => {
    for (const item of items) if (item.config.Name !== undefined) ids.set(item.config.Name, item.id);
    return false;
  });
  return ids;
}

/**
 * The policy with this name, through the index shared by reconciles (one listing serves the resources created
 * together): a hit is confirmed by id, so a stale one costs a listing, not a wrong answer.
 */
export async function lookUpResponseHeadersPolicy(ctx: StepContext, name: string): Promise<FoundResponseHeadersPolicy | undefined> {
  const index = ctx.responseHeadersPolicies;
  const id = await index.lookup(name, () => allResponseHeadersPolicyIds(ctx));
  if (id === undefined) return undefined;
  const found = await getResponseHeadersPolicy(ctx, id);
  if (found?.config.Name === name) return found;
  index.forget(name);
  return findResponseHeadersPolicyByName(ctx, name);
}

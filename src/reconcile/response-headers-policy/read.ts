// Reading response headers policies: by id, and by name through a listing of the account's own policies (a
// policy has no tags and no caller reference, so its deterministic name is what finds it after a crash).
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

/** The account's own (custom) policy with this name, from a listing, page by page. */
export async function findResponseHeadersPolicyByName(ctx: StepContext, name: string): Promise<FoundResponseHeadersPolicy | undefined> {
  let marker: string | undefined;
  for (let page = 0; page < maxListPages; page += 1) {
    const result = await ctx.aws
      .cloudFront()
      .send(new ListResponseHeadersPoliciesCommand({ Type: "custom", MaxItems: 100, ...(marker === undefined ? {} : { Marker: marker }) }), {
        abortSignal: ctx.signal,
      });
    const list = result.ResponseHeadersPolicyList;
    for (const item of list?.Items ?? []) {
      const policy = item.ResponseHeadersPolicy;
      const config = policy?.ResponseHeadersPolicyConfig;
      if (policy?.Id !== undefined && config?.Name === name) return { id: policy.Id, config };
    }
    marker = list?.NextMarker;
    if (marker === undefined || marker === "") return undefined;
  }
  throw new Error(`more than ${String(maxListPages)} pages of response headers policies; stopped listing them`);
}

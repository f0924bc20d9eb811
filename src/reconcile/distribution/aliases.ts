// Alternate domain names are checked before they are added. CloudFront sends a request to the distribution with
// the most specific matching alias, whatever DNS says (Developer Guide, "Requirements for using alternate domain
// names"), so `login.example.com` on a tenant's distribution would take traffic meant for the company's
// `*.example.com`. ListConflictingAliases lists every alias in CloudFront, in any account, that equals or
// overlaps (through a one-label wildcard) the one asked about; an overlap with a distribution that is not this
// resource's stalls the resource as AliasConflict, naming only the alias.
//
// CloudFront answers only for a distribution of the caller's that carries a certificate including the alias, so
// the check needs the resource's own distribution with its certificate: a new distribution is created without
// its aliases, and they are added by an update once checked.
import { ListConflictingAliasesCommand } from "@aws-sdk/client-cloudfront";
import { PermanentError } from "../../errors.ts";
import type { StepContext } from "../common/context.ts";
import type { DistributionInputs } from "./desired.ts";
import type { LiveDistribution } from "./read.ts";

/** A few pages at most: any alias of another distribution in the first one already refuses. */
const maxPages = 5;

export class AliasConflictError extends PermanentError {
  constructor(alias: string) {
    super(
      "AliasConflict",
      `alias ${alias} is, or overlaps, an alternate domain name of a distribution this resource does not own; ` +
        "CloudFront would route by the more specific name, so it is not added (remove it from spec.distribution.aliases, or have the other alias removed)",
    );
  }
}

/**
 * Whether a partially hidden distribution id (its last characters shown, the rest `*`) is this one: the shown
 * part must match, and the length too.
 */
export function isMaskedId(masked: string | undefined, id: string): boolean {
  if (masked === undefined || masked.length !== id.length) return false;
  const shown = masked.replace(/^\*+/, "");
  return shown.length > 0 && id.endsWith(shown);
}

/** The desired aliases that the live distribution does not carry yet. */
export function addedAliases(live: LiveDistribution, desired: DistributionInputs): string[] {
  const current = new Set((live.config.Aliases?.Items ?? []).map((alias) => alias.toLowerCase()));
  return desired.aliases.filter((alias) => !current.has(alias.toLowerCase()));
}

/** The desired inputs without the aliases the live distribution does not carry yet. */
export function withoutAddedAliases(live: LiveDistribution | undefined, desired: DistributionInputs): DistributionInputs {
  if (live === undefined) return { ...desired, aliases: [] };
  const added = new Set(addedAliases(live, desired));
  return { ...desired, aliases: desired.aliases.filter((alias) => !added.has(alias)) };
}

/** Throws AliasConflictError when CloudFront lists an overlap of `alias` on a distribution other than `own`. */
async function refuseOverlap(ctx: StepContext, own: string, alias: string): Promise<void> {
  let marker: string | undefined;
  for (let page = 0; page < maxPages; page += 1) {
    const result = await ctx.aws
      .cloudFront()
      .send(new ListConflictingAliasesCommand({ DistributionId: own, Alias: alias, ...(marker === undefined ? {} : { Marker: marker }) }), { abortSignal: ctx.signal });
    const list = result.ConflictingAliasesList;
    if ((list?.Items ?? []).some((item) => !isMaskedId(item.DistributionId, own))) throw new AliasConflictError(alias);
    marker = list?.NextMarker;
    if (marker === undefined || marker === "") return;
  }
}

/**
 * The inputs to write to the live distribution: with every alias it is to gain checked, when it already
 * carries the certificate CloudFront needs for the check; otherwise without the new aliases, so the certificate
 * goes on first and they are checked and added by the next update.
 */
export async function checkedAliases(ctx: StepContext, live: LiveDistribution, desired: DistributionInputs): Promise<DistributionInputs> {
  const added = addedAliases(live, desired);
  if (added.length === 0) return desired;
  if (live.config.ViewerCertificate?.ACMCertificateArn !== desired.acmCertificateArn) return withoutAddedAliases(live, desired);
  for (const alias of added) await refuseOverlap(ctx, live.state.id, alias);
  return desired;
}

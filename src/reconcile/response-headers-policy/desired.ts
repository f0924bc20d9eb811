// The response headers policy a resource's distribution uses, and how a live one differs: pure, no I/O.
//
// CloudFront adds the policy's headers to every response of the default cache behaviour, from the cache or the
// origin (CloudFront Developer Guide, "Add or remove HTTP headers in CloudFront responses with a policy"):
// - CORS for spec.cors's origins, so an app on another origin can read the content and the headers a video
//   player needs (Content-Range, Accept-Ranges, Content-Length). Preflights never reach CloudFront's CORS: the
//   edge function answers them; the methods, request headers and max-age here say the same thing, so the
//   answer does not depend on which of the two sets a header. OriginOverride, so a bucket's own CORS
//   configuration cannot widen what the spec allows. Without spec.cors the policy has no CORS section at all.
// - HSTS, so a browser that once reached the content never tries it over http again.
// - `Cache-Control: private` as a custom header with Override: member content must never sit in a shared
//   cache, whatever Cache-Control the object's metadata carries. CloudFront adds a policy's Cache-Control to the
//   viewer response only; what CloudFront itself caches is the cache policy's business. The edge function's
//   own 401/403 already say `private, no-store`; if CloudFront applies the override to them too, they still
//   say private, and a 401 or 403 without freshness information is not reused by a browser.
//
// A policy is shared: CloudFront allows 20 response headers policies per account and 100 distributions per policy
// (Developer Guide, "Quotas"), so one per resource would cap an account at 20 resources. The settings are a pure
// function of spec.cors; the policy's name is the cluster's, a hash of the settings, and a number (a new one per
// 100 distributions). Resources with the same CORS settings compute the same name and use the same policy; every
// setting is ours, and anything added by hand, such as another security header, is drift and goes.
import type { ResponseHeadersPolicyConfig } from "@aws-sdk/client-cloudfront";
import { corsAllowedMethods, corsAllowedRequestHeaders } from "../../../edge-auth/src/cors.ts";
import type { CorsSpec } from "../../api/index.ts";
import { deepEqual } from "../../util/deep-equal.ts";
import { clusterKey, contentHash, fitted, parseResponseHeadersPolicyName, sharedResponseHeadersPolicyName, type OwnerIdentity } from "../common/naming.ts";

/** The policy's Comment: CloudFront refuses one over 128 characters (API reference, ResponseHeadersPolicyConfig). */
export const maxPolicyComment = 128;

/** Response headers a cross-origin script may read besides the safelisted ones: what range requests need. */
export const exposedHeaders = ["Accept-Ranges", "Content-Length", "Content-Range"] as const;

/** One year, the max-age HSTS preload lists ask for and what most sites send. */
export const hstsMaxAgeSeconds = 31_536_000;

/** The value member content is served with: browsers may keep it, shared caches may not. */
export const memberCacheControl = "private";

function list<T>(items: readonly T[]): { Quantity: number; Items: T[] } {
  return { Quantity: items.length, Items: [...items] };
}

function sorted(items: readonly string[]): string[] {
  return [...items].sort();
}

/** The headers a resource with this spec.cors is served with: the policy's settings, without name and comment. */
export function responseHeadersSettings(cors: CorsSpec | undefined): Omit<ResponseHeadersPolicyConfig, "Name" | "Comment"> {
  return {
    ...(cors === undefined
      ? {}
      : {
          CorsConfig: {
            AccessControlAllowOrigins: list(sorted(cors.allowedOrigins)),
            AccessControlAllowHeaders: list(sorted(corsAllowedRequestHeaders)),
            AccessControlAllowMethods: list([...corsAllowedMethods].sort()),
            AccessControlExposeHeaders: list(sorted(exposedHeaders)),
            AccessControlAllowCredentials: cors.allowCredentials,
            AccessControlMaxAgeSec: cors.maxAgeSeconds,
            OriginOverride: true,
          },
        }),
    SecurityHeadersConfig: {
      StrictTransportSecurity: { AccessControlMaxAgeSec: hstsMaxAgeSeconds, IncludeSubdomains: false, Preload: false, Override: true },
    },
    CustomHeadersConfig: list([{ Header: "Cache-Control", Value: memberCacheControl, Override: true }]),
  };
}

/**
 * The hash that names a policy by its settings: of their canonical form, so equal settings hash alike. A change
 * of what the operator sends (another header, say) is a new name too: each distribution moves to the new policy
 * on its next full pass, and the old one is deleted with the last distribution that leaves it.
 */
export function settingsHash(cors: CorsSpec | undefined): string {
  const canonical = projection({ Name: "", ...responseHeadersSettings(cors) });
  delete canonical["Name"];
  delete canonical["Comment"];
  return contentHash(JSON.stringify(canonical));
}

/**
 * The whole config of the cluster's policy number `index` for this spec.cors. Sets are sorted, so two
 * computations compare equal.
 */
export function sharedResponseHeadersPolicy(owner: OwnerIdentity, cors: CorsSpec | undefined, index: number): ResponseHeadersPolicyConfig {
  const cluster = clusterKey(owner);
  return {
    Name: sharedResponseHeadersPolicyName(cluster, settingsHash(cors), index),
    Comment: fitted(`Shared by the SecuredContentBuckets of cluster ${owner.cluster} with the same CORS settings`, maxPolicyComment),
    ...responseHeadersSettings(cors),
  };
}

/**
 * The number of the policy under this name when it is one a resource with this spec.cors may use (the cluster's
 * policy for exactly these settings); undefined for any other policy.
 */
export function sharedIndexFor(owner: OwnerIdentity, cors: CorsSpec | undefined, name: string | undefined): number | undefined {
  const parsed = parseResponseHeadersPolicyName(clusterKey(owner), name);
  return parsed?.contentHash === settingsHash(cors) ? parsed.index : undefined;
}

/** Whether a policy under this name is one of the cluster's shared policies, whatever its settings. */
export function isClusterPolicy(owner: OwnerIdentity, name: string | undefined): boolean {
  return parseResponseHeadersPolicyName(clusterKey(owner), name) !== undefined;
}

type CorsConfig = NonNullable<ResponseHeadersPolicyConfig["CorsConfig"]>;
type SecurityHeaders = NonNullable<ResponseHeadersPolicyConfig["SecurityHeadersConfig"]>;

/** Header names, case-insensitive in HTTP, lowercased and sorted. */
function headerSet(items: readonly string[] | undefined): string[] {
  return sorted((items ?? []).map((item) => item.toLowerCase()));
}

function corsProjection(cors: CorsConfig | undefined): unknown {
  if (cors === undefined) return undefined;
  return {
    AccessControlAllowOrigins: sorted(cors.AccessControlAllowOrigins?.Items ?? []),
    AccessControlAllowHeaders: headerSet(cors.AccessControlAllowHeaders?.Items),
    AccessControlAllowMethods: sorted(cors.AccessControlAllowMethods?.Items ?? []),
    AccessControlExposeHeaders: headerSet(cors.AccessControlExposeHeaders?.Items),
    AccessControlAllowCredentials: cors.AccessControlAllowCredentials ?? false,
    AccessControlMaxAgeSec: cors.AccessControlMaxAgeSec,
    OriginOverride: cors.OriginOverride ?? false,
  };
}

function hstsProjection(hsts: SecurityHeaders["StrictTransportSecurity"]): unknown {
  if (hsts === undefined) return undefined;
  return { AccessControlMaxAgeSec: hsts.AccessControlMaxAgeSec, IncludeSubdomains: hsts.IncludeSubdomains ?? false, Preload: hsts.Preload ?? false, Override: hsts.Override ?? false };
}

function customHeadersProjection(config: ResponseHeadersPolicyConfig): unknown {
  return (config.CustomHeadersConfig?.Items ?? [])
    .map((header) => ({ Header: (header.Header ?? "").toLowerCase(), Value: header.Value ?? "", Override: header.Override ?? false }))
    .sort((a, b) => (a.Header === b.Header ? a.Value.localeCompare(b.Value) : a.Header.localeCompare(b.Header)));
}

/**
 * A config reduced to what decides the headers served, in a form where equal means equal: absent lists and
 * `Quantity: 0` are the same, sets are sorted, header names are lowercased, and the booleans CloudFront treats
 * as false when absent are false.
 */
function projection(config: ResponseHeadersPolicyConfig): Record<string, unknown> {
  const security = config.SecurityHeadersConfig ?? {};
  const otherSecurityHeaders = Object.entries(security).flatMap(([key, value]) => (key !== "StrictTransportSecurity" && value !== undefined ? [key] : []));
  return {
    Name: config.Name ?? "",
    Comment: config.Comment ?? "",
    CorsConfig: corsProjection(config.CorsConfig),
    StrictTransportSecurity: hstsProjection(security.StrictTransportSecurity),
    OtherSecurityHeaders: sorted(otherSecurityHeaders),
    CustomHeadersConfig: customHeadersProjection(config),
    RemoveHeadersConfig: headerSet((config.RemoveHeadersConfig?.Items ?? []).map((header) => header.Header ?? "")),
    ServerTimingHeadersConfig: config.ServerTimingHeadersConfig?.Enabled ?? false,
  };
}

/** The settings of the live policy that differ from the desired ones, by name; empty when in sync. */
export function driftedSettings(current: ResponseHeadersPolicyConfig, desired: ResponseHeadersPolicyConfig): string[] {
  const before = projection(current);
  const after = projection(desired);
  return Object.keys(after).filter((key) => !deepEqual(before[key], after[key]));
}

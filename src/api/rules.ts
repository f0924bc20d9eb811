// The validation rules of the API: S3 bucket names, AWS identifiers and cross-field constraints.
import { type CelRule, immutable, mustMatch, mustNotEndWith, mustNotMatch, mustNotStartWith } from "./cel-rule.ts";

const reservedBucketPrefixes = ["xn--", "sthree-", "amzn-s3-demo-"] as const;
const reservedBucketSuffixes = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"] as const;

/** S3's naming rules for general purpose buckets, one rule per message so the error says what is wrong. */
export const bucketNameRules: readonly CelRule<string>[] = [
  {
    rule: "size(self) >= 3 && size(self) <= 63",
    message: "must be 3 to 63 characters long",
    holds: (name) => name.length >= 3 && name.length <= 63,
  },
  mustMatch("^[a-z0-9.-]*$", "may contain only lowercase letters, digits, dots (.) and hyphens (-)"),
  mustMatch("^[a-z0-9](.*[a-z0-9])?$", "must begin and end with a lowercase letter or digit"),
  {
    rule: "!self.contains('..')",
    message: "must not contain two adjacent periods",
    holds: (name) => !name.includes(".."),
  },
  mustNotMatch("^[0-9]+[.][0-9]+[.][0-9]+[.][0-9]+$", "must not be formatted as an IP address (such as 192.168.5.4)"),
  mustNotStartWith(reservedBucketPrefixes, `must not start with ${reservedBucketPrefixes.join(", ")} (prefixes reserved by S3)`),
  mustNotEndWith(reservedBucketSuffixes, `must not end with ${reservedBucketSuffixes.join(", ")} (suffixes reserved by S3)`),
];

export const immutableBucketNameRule = immutable(
  "is immutable: a SecuredContentBucket always secures the same bucket; create another SecuredContentBucket for another bucket",
);

export const immutableBucketRegionRule = immutable(
  "is immutable: it must stay the region the bucket lives in; create another SecuredContentBucket for another bucket",
);

const regionPattern = "[a-z]{2}(-[a-z]+)+-[0-9]+";

export const regionRule = mustMatch(`^${regionPattern}$`, "must be an AWS region code such as us-east-1");

export const userPoolIdRule = mustMatch(
  `^${regionPattern}_[0-9A-Za-z]+$`,
  "must be a Cognito user pool id of the form <region>_<id>, such as us-east-1_AbCdEf123",
);

export const clientIdRule = mustMatch("^[0-9A-Za-z_+]+$", "must be a Cognito app client id (letters, digits, + and _)");

export const atLeastOneClientIdRule: CelRule<readonly string[]> = {
  rule: "size(self) >= 1",
  message: "must list at least one app client id",
  holds: (ids) => ids.length >= 1,
};

export const atLeastOneGroupRule: CelRule<readonly string[]> = {
  rule: "size(self) >= 1",
  message: "must list at least one group",
  holds: (groups) => groups.length >= 1,
};

export const atLeastOneTokenSourceRule: CelRule<readonly string[]> = {
  rule: "size(self) >= 1",
  message: "must list at least one token source",
  holds: (sources) => sources.length >= 1,
};

export const aliasRule = mustMatch(
  "^([*][.])?([a-z0-9]([a-z0-9-]*[a-z0-9])?[.])+[a-z]([a-z0-9-]*[a-z0-9])?$",
  "must be a lowercase domain name such as courses.example.com, or a wildcard such as *.example.com",
);

export const acmCertificateArnRule = mustMatch(
  "^arn:aws[a-z-]*:acm:us-east-1:[0-9]{12}:certificate/[0-9a-f-]+$",
  "must be the ARN of an ACM certificate in us-east-1, the only region CloudFront takes certificates from",
);

export const webAclArnRule = mustMatch(
  "^arn:aws[a-z-]*:wafv2:us-east-1:[0-9]{12}:global/webacl/[^/]+/[0-9a-f-]+$",
  "must be the ARN of a WAFv2 web ACL with CloudFront scope (arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>)",
);

/** CloudFront's managed cache policies, by the names the spec accepts, with the ids CloudFront gives them. */
export const managedCachePolicyIds = {
  CachingOptimized: "658327ea-f89d-4fab-a63d-7e88639e58f6",
  CachingDisabled: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
} as const;

export type ManagedCachePolicy = keyof typeof managedCachePolicyIds;

export const managedCachePolicies = Object.keys(managedCachePolicyIds) as readonly ManagedCachePolicy[];

const cachePolicyIdPattern = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";
const cachePolicyIdRegex = new RegExp(cachePolicyIdPattern, "u");

export const cachePolicyRule: CelRule<string> = {
  rule: `${managedCachePolicies.map((name) => `self == '${name}'`).join(" || ")} || self.matches('${cachePolicyIdPattern}')`,
  message: `must be ${managedCachePolicies.join(" or ")}, or the id of a CloudFront cache policy`,
  holds: (policy) => (managedCachePolicies as readonly string[]).includes(policy) || cachePolicyIdRegex.test(policy),
};

/** On the distribution object, so it can see both fields. */
export const aliasesNeedCertificateRule: CelRule<{ readonly aliases: readonly string[]; readonly acmCertificateArn?: string | undefined }> = {
  rule: "!has(self.aliases) || size(self.aliases) == 0 || has(self.acmCertificateArn)",
  message: "is required when aliases are set: CloudFront serves alternate domain names only with an ACM certificate",
  fieldPath: ".acmCertificateArn",
  holds: (distribution) => distribution.aliases.length === 0 || distribution.acmCertificateArn !== undefined,
};

export const configMapNameRule = mustMatch(
  "^[a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*$",
  "must be a valid ConfigMap name: lowercase letters, digits, hyphens and dots, starting and ending with a letter or digit",
);

// spec.cors.allowedOrigins: each entry is an origin exactly as a browser sends it in the Origin header, since the
// edge compares the two byte for byte. The edge packager checks the same with one predicate (isAllowableOrigin);
// a unit test keeps the two agreeing.
const dnsHost = "([a-z0-9]([-a-z0-9]*[a-z0-9])?[.])*[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const httpsOriginPattern = `^https://${dnsHost}(:[0-9]+)?$`;
const httpLoopbackOriginPattern = "^http://(localhost|127[.]0[.]0[.]1)(:[0-9]+)?$";
// "[::1]" needs a literal ] that a pattern cannot spell without a backslash, so that host is fixed with
// startsWith and the pattern only counts its five characters.
const ipv6LoopbackOriginPattern = "^https?://.{5}(:[0-9]+)?$";
const portPattern = ":[0-9]+$";
const portInRangePattern = ":([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$";

function regex(pattern: string): RegExp {
  return new RegExp(pattern, "u");
}

const httpsOrigin = regex(httpsOriginPattern);
const httpLoopbackOrigin = regex(httpLoopbackOriginPattern);
const ipv6LoopbackOrigin = regex(ipv6LoopbackOriginPattern);
const anyPort = regex(portPattern);
const portInRange = regex(portInRangePattern);

function isIpv6Loopback(origin: string, scheme: "http://" | "https://" | "both"): boolean {
  const prefixes = scheme === "both" ? ["https://[::1]", "http://[::1]"] : [`${scheme}[::1]`];
  return prefixes.some((prefix) => origin.startsWith(prefix)) && ipv6LoopbackOrigin.test(origin);
}

export const originSchemeRule: CelRule<string> = {
  rule: "self.startsWith('https://') || self.startsWith('http://')",
  message: "must start with https:// (http:// only for localhost, 127.0.0.1 or [::1])",
  holds: (origin) => origin.startsWith("https://") || origin.startsWith("http://"),
};

export const originWithoutPathRule = mustNotMatch(
  "://.*[/?#]",
  "must be only a scheme, a host and an optional port: no path, trailing slash, query or fragment",
);

export const originWithoutWildcardRule: CelRule<string> = {
  rule: "!self.contains('*')",
  message: "must not contain a wildcard: list every origin exactly",
  holds: (origin) => !origin.includes("*"),
};

export const originHttpOnlyForLoopbackRule: CelRule<string> = {
  rule:
    `!self.startsWith('http://') || self.matches('${httpLoopbackOriginPattern}') || ` +
    `(self.startsWith('http://[::1]') && self.matches('${ipv6LoopbackOriginPattern}'))`,
  message: "may use http:// only for localhost, 127.0.0.1 or [::1]; every other origin must use https://",
  holds: (origin) => !origin.startsWith("http://") || httpLoopbackOrigin.test(origin) || isIpv6Loopback(origin, "http://"),
};

export const originWithoutDefaultPortRule: CelRule<string> = {
  rule: "!(self.startsWith('https://') && self.endsWith(':443')) && !(self.startsWith('http://') && self.endsWith(':80'))",
  message: "must leave out the default port (:443 for https, :80 for http), as browsers do",
  holds: (origin) => !(origin.startsWith("https://") && origin.endsWith(":443")) && !(origin.startsWith("http://") && origin.endsWith(":80")),
};

export const originHostRule: CelRule<string> = {
  rule:
    `self.matches('${httpsOriginPattern}') || self.matches('${httpLoopbackOriginPattern}') || ` +
    `((self.startsWith('https://[::1]') || self.startsWith('http://[::1]')) && self.matches('${ipv6LoopbackOriginPattern}'))`,
  message: "must be spelled as browsers send the Origin header: a lowercase host name (punycode for international names) or [::1]",
  holds: (origin) => httpsOrigin.test(origin) || httpLoopbackOrigin.test(origin) || isIpv6Loopback(origin, "both"),
};

export const originPortRule: CelRule<string> = {
  rule: `!self.matches('${portPattern}') || self.matches('${portInRangePattern}')`,
  message: "must have a port from 1 to 65535, without leading zeros, if it has one",
  holds: (origin) => !anyPort.test(origin) || portInRange.test(origin),
};

/** One rule per message, so the error says what is wrong with an origin. */
export const allowedOriginRules: readonly CelRule<string>[] = [
  originSchemeRule,
  originWithoutPathRule,
  originWithoutWildcardRule,
  originHttpOnlyForLoopbackRule,
  originWithoutDefaultPortRule,
  originHostRule,
  originPortRule,
];

export const atLeastOneOriginRule: CelRule<readonly string[]> = {
  rule: "size(self) >= 1",
  message: "must list at least one origin",
  holds: (origins) => origins.length >= 1,
};

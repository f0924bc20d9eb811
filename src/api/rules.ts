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

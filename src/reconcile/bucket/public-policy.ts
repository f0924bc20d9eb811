// When S3 considers a bucket policy statement public: the rule Block Public Access applies (BlockPublicPolicy
// refuses a public policy, RestrictPublicBuckets ignores one, GetBucketPolicyStatus reports one), as pure code.
//
// Sources, both from AWS:
// - Amazon S3 User Guide, "Blocking public access to your Amazon S3 storage", section "The meaning of 'public'"
//   (docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
//   #access-control-block-public-access-policy-status): S3 starts from "public" and calls a policy non-public
//   only when it grants access only to fixed values (no wildcard, no IAM policy variable) of a principal, or of
//   aws:SourceIp (a set of CIDRs), aws:SourceArn, aws:SourceVpc, aws:SourceVpce, aws:SourceOwner,
//   aws:SourceAccount, s3:x-amz-server-side-encryption-aws-kms-key-id, aws:userid "outside the pattern
//   AROLEID:*", s3:DataAccessPointArn (whose access point name may be a wildcard when the account is fixed)
//   and s3:DataAccessPointAccount. aws:SourceIp ranges broader than /8 (IPv4) or /32 (IPv6) count as public.
//   Its examples: Principal "*" is public, so is Principal {"Federated": "graph.facebook.com"}, so is a
//   StringLike on aws:SourceVpc "vpc-*"; a StringEquals on a fixed aws:SourceVpc is not.
// - Amazon S3 API Reference, PublicAccessBlockConfiguration: the same list, in an older and shorter form.
//
// Reading the list as code, per statement (a policy is public when any statement is):
// - Only an Allow can be public. NotPrincipal in an Allow grants to everyone it does not name.
// - A principal is fixed unless it is "*", contains a wildcard or a policy variable, or is Federated (anyone
//   the identity provider signs in; the User Guide's own example).
// - A statement with a principal that is not fixed is non-public only if one condition pins the caller: a key
//   of the list, under a positive matching operator (StringEquals, StringEqualsIgnoreCase, StringLike,
//   ArnEquals, ArnLike; IpAddress for aws:SourceIp), every value fixed. Conditions are ANDed, so one pinning
//   condition is enough whatever else the statement says.
// - These pin nothing, because a request can satisfy them without being one of the fixed callers: negated
//   operators (StringNotEquals, NotIpAddress, ...), Null, ...IfExists (true when the key is absent),
//   ForAnyValue: and ForAllValues: (the latter is true when the key is absent), any other operator, and any
//   key outside the list (aws:SecureTransport, aws:Referer, aws:SourceOrgID, ...).
// - The principal keys aws:PrincipalArn, aws:PrincipalAccount and aws:PrincipalOrgID count as "an AWS
//   principal, user, role, or service principal": the User Guide gives aws:PrincipalOrgID as its example.
// - aws:userid values of the form "<role id>:*" (any session of a role) are the pattern the list excludes.
// - Actions and resources do not matter: the User Guide says Block Public Access reviews "current actions and
//   any potential actions that might be added in the future" (the API Reference's older "bad actions" wording
//   is not applied).
// test/fixtures/public-policy-vectors.json holds one case per rule, with the reason; the emulator's copy of
// this rule (test/harness/moto/patches/bucket_policy.py) is held to the same cases.
import { isIPv4, isIPv6 } from "node:net";

/** The parts of a statement the rule reads; a parsed policy statement or a raw JSON one both fit. */
export interface StatementLike {
  readonly Sid?: unknown;
  readonly Effect?: unknown;
  readonly Principal?: unknown;
  readonly NotPrincipal?: unknown;
  readonly Condition?: unknown;
}

export interface Judgement {
  readonly public: boolean;
  /** Why, in words fit for an Event or an error message. */
  readonly reason: string;
  /**
   * The statement grants to a principal that is not fixed, and only a condition keeps it non-public: S3 and
   * this rule must agree on that condition, so these are the statements to name when S3 disagrees.
   */
  readonly restsOnCondition: boolean;
}

/** Condition keys (lower-cased) that pin the caller when their values are fixed. aws:SourceIp is separate. */
const pinningKeys = new Set(
  [
    "aws:SourceArn",
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:SourceOwner",
    "aws:SourceAccount",
    "s3:x-amz-server-side-encryption-aws-kms-key-id",
    "aws:userid",
    "s3:DataAccessPointArn",
    "s3:DataAccessPointAccount",
    "aws:PrincipalArn",
    "aws:PrincipalAccount",
    "aws:PrincipalOrgID",
  ].map((key) => key.toLowerCase()),
);

const matchingOperators = new Set(["stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike"]);

/** The broadest aws:SourceIp prefixes that still pin the caller: a /8 is not "broader than /8". */
const narrowestBroadPrefix = { v4: 8, v6: 32 } as const;

export function judgeStatement(statement: StatementLike): Judgement {
  if (statement.Effect !== "Allow") return nonPublic("it is not an Allow, and only an Allow can grant access");
  const everyone = unfixedPrincipal(statement);
  if (everyone === undefined) return nonPublic("it grants only to fixed principals");
  const pin = pinningCondition(statement.Condition);
  if (pin !== undefined) return { public: false, reason: `it grants to ${everyone}, but ${pin}`, restsOnCondition: true };
  return { public: true, reason: `it grants to ${everyone} and no condition pins the caller to fixed values`, restsOnCondition: false };
}

export function isPublicStatement(statement: StatementLike): boolean {
  return judgeStatement(statement).public;
}

/** A short name for a statement in messages: its Sid, or its position. */
export function statementLabel(statement: StatementLike, index: number): string {
  return typeof statement.Sid === "string" && statement.Sid !== "" ? `"${statement.Sid}"` : `statement ${String(index + 1)} (no Sid)`;
}

function nonPublic(reason: string): Judgement {
  return { public: false, reason, restsOnCondition: false };
}

/** Describes the principal when it is not fixed; undefined when every principal is. */
function unfixedPrincipal(statement: StatementLike): string | undefined {
  if (statement.NotPrincipal !== undefined) return "everyone but the principals NotPrincipal names";
  const principal = statement.Principal;
  if (principal === undefined) return undefined; // S3 refuses such a bucket policy as malformed; it grants nothing
  if (principal === "*") return 'Principal "*"';
  if (typeof principal !== "object" || principal === null) return `Principal ${JSON.stringify(principal)}`;
  for (const [type, value] of Object.entries(principal)) {
    if (type === "Federated") return `a Federated principal (anyone ${String(value)} signs in)`;
    for (const item of listOf(value)) {
      if (!isFixedValue(item)) return `${type} principal ${JSON.stringify(item)}`;
    }
  }
  return undefined;
}

/** Describes the first condition that pins the caller to fixed values, or undefined when none does. */
function pinningCondition(condition: unknown): string | undefined {
  if (typeof condition !== "object" || condition === null) return undefined;
  for (const [operator, entries] of Object.entries(condition)) {
    if (typeof entries !== "object" || entries === null) continue;
    const name = operator.toLowerCase();
    if (name.includes(":") || name.endsWith("ifexists")) continue; // ForAnyValue:, ForAllValues:, ...IfExists
    for (const [key, value] of Object.entries(entries as Record<string, unknown>)) {
      const pin = pinsCaller(operator, key, listOf(value));
      if (pin !== undefined) return pin;
    }
  }
  return undefined;
}

/** One key under one (plain, positive) operator. */
function pinsCaller(operator: string, key: string, values: readonly unknown[]): string | undefined {
  if (values.length === 0) return undefined;
  const name = operator.toLowerCase();
  const lower = key.toLowerCase();
  if (lower === "aws:sourceip") {
    return name === "ipaddress" && values.every(isNarrowRange) ? `${operator} ${key} limits it to ranges no broader than /8 (IPv4) or /32 (IPv6)` : undefined;
  }
  if (pinningKeys.has(lower) && matchingOperators.has(name) && values.every((v) => isFixedConditionValue(lower, v))) {
    return `${operator} ${key} pins the caller to fixed values`;
  }
  return undefined;
}

function isFixedConditionValue(key: string, value: unknown): boolean {
  if (key === "s3:dataaccesspointarn" && typeof value === "string" && isAccessPointsOfFixedAccount(value)) return true;
  return isFixedValue(value);
}

/** No wildcard and no IAM policy variable. Numbers (an account id written unquoted) are fixed too. */
function isFixedValue(value: unknown): boolean {
  if (typeof value === "number") return true;
  if (typeof value !== "string" || value === "") return false;
  return !value.includes("*") && !value.includes("?") && !value.includes("${");
}

/** arn:<partition>:s3:<region>:<account>:accesspoint/<name, which may be a wildcard>, all else fixed. */
function isAccessPointsOfFixedAccount(value: string): boolean {
  const match = /^(arn:[^:]+:s3:[^:]+:(\d{12}):accesspoint\/)(.+)$/.exec(value);
  return match?.[1] !== undefined && isFixedValue(match[1]);
}

/**
 * A CIDR (or a single address) no broader than /8 for IPv4 or /32 for IPv6. The User Guide exempts RFC 1918
 * private ranges from the width limit; no IPv4 range broader than /8 lies inside one, so that changes nothing.
 * A value that is not an address is not a fixed range.
 */
function isNarrowRange(value: unknown): boolean {
  if (typeof value !== "string") return false;
  const [address = "", prefix, ...rest] = value.trim().split("/");
  if (rest.length > 0) return false;
  const family = isIPv4(address) ? "v4" : isIPv6(address) ? "v6" : undefined;
  if (family === undefined) return false;
  const maxPrefix = family === "v4" ? 32 : 128;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  const length = Number(prefix);
  return length <= maxPrefix && length >= narrowestBroadPrefix[family];
}

function listOf(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

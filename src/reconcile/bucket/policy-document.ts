// The bucket policy as data: parse what S3 returns and work out the policy we want: our CloudFront statement in,
// the statements S3 considers public out (public-policy.ts holds S3's rule), everything else kept.
// Policies are compared after normalization, never as strings.
import { z } from "zod";
import { PermanentError } from "../../errors.ts";
import { deepEqual } from "../../util/deep-equal.ts";
import { isPublicStatement, judgeStatement, statementLabel } from "./public-policy.ts";

const stringOrList = z.union([z.string(), z.array(z.string())]);
const conditionValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number(), z.boolean()]))]);

export const statementSchema = z.looseObject({
  Sid: z.string().optional(),
  Effect: z.enum(["Allow", "Deny"]),
  Principal: z.union([z.literal("*"), z.record(z.string(), stringOrList)]).optional(),
  NotPrincipal: z.union([z.literal("*"), z.record(z.string(), stringOrList)]).optional(),
  Action: stringOrList.optional(),
  NotAction: stringOrList.optional(),
  Resource: stringOrList.optional(),
  NotResource: stringOrList.optional(),
  Condition: z.record(z.string(), z.record(z.string(), conditionValue)).optional(),
});

export const policySchema = z.looseObject({
  Version: z.string().optional(),
  Id: z.string().optional(),
  Statement: z.union([statementSchema, z.array(statementSchema)]).transform((s) => (Array.isArray(s) ? s : [s])),
});

export type Statement = z.infer<typeof statementSchema>;
export type Policy = z.infer<typeof policySchema>;

/** S3 returned a policy this operator cannot read: a human must look before anything is rewritten. */
export class InvalidPolicyError extends PermanentError {
  constructor(message: string) {
    super("InvalidBucketPolicy", message);
  }
}

export function parsePolicy(text: string): Policy {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InvalidPolicyError("the bucket policy is not valid JSON");
  }
  const result = policySchema.safeParse(json);
  if (!result.success) throw new InvalidPolicyError(`the bucket policy has an unexpected shape: ${result.error.issues[0]?.message ?? ""}`);
  return result.data;
}

export interface CloudFrontGrant {
  readonly sid: string;
  readonly bucket: string;
  readonly distributionArn: string;
  /**
   * The Sid this resource's statement had before the cluster uid: such a statement granting this very
   * distribution is replaced by ours. One granting anything else is not ours to drop.
   */
  readonly replaces?: string;
}

/** The statement of the manual procedure this operator automates: only this distribution, through CloudFront's service principal, may read objects. */
export function cloudFrontReadStatement(grant: CloudFrontGrant): Statement {
  return {
    Sid: grant.sid,
    Effect: "Allow",
    Principal: { Service: "cloudfront.amazonaws.com" },
    Action: "s3:GetObject",
    Resource: `arn:aws:s3:::${grant.bucket}/*`,
    Condition: { StringEquals: { "AWS:SourceArn": grant.distributionArn } },
  };
}

export interface DesiredPolicy {
  readonly policy: Policy;
  /** Statements S3 considers public, dropped, for the Event that says so. Nothing else is ever dropped. */
  readonly removedPublic: readonly Statement[];
}

export function desiredBucketPolicy(current: Policy | undefined, grant: CloudFrontGrant): DesiredPolicy {
  const replaced = (s: Statement): boolean => grant.replaces !== undefined && s.Sid === grant.replaces && sourceArnOf(s) === grant.distributionArn;
  const statements = (current?.Statement ?? []).filter((s) => !replaced(s));
  const removedPublic = statements.filter((s) => s.Sid !== grant.sid && isPublicStatement(s));
  const kept = statements.filter((s) => s.Sid !== grant.sid && !isPublicStatement(s));
  const ours = cloudFrontReadStatement(grant);
  const existingIndex = statements.findIndex((s) => s.Sid === grant.sid);
  // Keep our statement where it was, so a correction does not reorder someone else's policy.
  const ordered = existingIndex < 0 ? [...kept, ours] : insertAt(kept, countKeptBefore(statements, existingIndex, grant.sid), ours);
  return { policy: { ...current, Version: current?.Version ?? "2012-10-17", Statement: ordered }, removedPublic };
}

/** The distribution ARN a CloudFront grant is limited to (its AWS:SourceArn under StringEquals), if any. */
export function sourceArnOf(statement: Statement): string | undefined {
  const equals = statement.Condition?.["StringEquals"] ?? {};
  const key = Object.keys(equals).find((k) => k.toLowerCase() === "aws:sourcearn");
  const value = key === undefined ? undefined : equals[key];
  return typeof value === "string" ? value : undefined;
}

/** Whether an IAM action pattern (with * and ? wildcards, case-insensitive) covers `action`. */
function actionCovers(pattern: string, action: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i");
  return regex.test(action);
}

function listOf(value: string | readonly string[] | undefined): readonly string[] {
  return value === undefined ? [] : typeof value === "string" ? [value] : value;
}

/** Whether a statement allows reading objects (s3:GetObject): by Action, or by a NotAction that leaves it in. */
function allowsObjectReads(statement: Statement): boolean {
  if (statement.Effect !== "Allow") return false;
  if (statement.Action !== undefined) return listOf(statement.Action).some((pattern) => actionCovers(pattern, "s3:GetObject"));
  if (statement.NotAction !== undefined) return !listOf(statement.NotAction).some((pattern) => actionCovers(pattern, "s3:GetObject"));
  return false;
}

/**
 * The statements of the policy, other than ours, that let someone else read objects: another distribution's
 * grant (one left by a retained resource, say), a role, a user. The operator leaves them alone, and says the
 * bucket is not read by its distribution alone, by their Sids or positions (what the bucket policy itself shows).
 */
export function otherReaders(policy: Policy | undefined, sid: string): string[] {
  return (policy?.Statement ?? []).flatMap((statement, index) => (statement.Sid !== sid && allowsObjectReads(statement) ? [statementLabel(statement, index)] : []));
}

/** The Stalled reason when S3 calls a policy public that, by its documented rule, is not. */
export const stillPublicReason = "BucketPolicyStillPublic";

const howToNarrow =
  "grant to fixed principals, or limit callers with fixed values of aws:SourceIp (ranges of /8 or narrower for IPv4, /32 for IPv6), " +
  "aws:SourceArn, aws:SourceVpc, aws:SourceVpce, aws:SourceAccount or another key S3 lists, under a positive operator such as StringEquals or IpAddress";

export interface RefusalFacts {
  readonly bucket: string;
  /** The policy the operator tried to write. */
  readonly attempted: readonly Statement[];
  /** The policy the bucket still has (empty when it has none). */
  readonly stored: readonly Statement[];
  /** The bucket's BlockPublicPolicy setting, read after the refusal. */
  readonly blockPublicPolicy: boolean;
  /** S3's verdict on the stored policy (GetBucketPolicyStatus); undefined when not asked or there is none. */
  readonly storedPolicyPublic: boolean | undefined;
}

/**
 * `public`: Block Public Access refused the policy as public, with the statements to name. `uncertain`: it may
 * have, but an IAM denial fits the facts as well; the message is a hint to add to the AccessDenied.
 */
export interface PolicyRefusal {
  readonly kind: "public" | "uncertain";
  readonly message: string;
}

/**
 * Why S3 answered PutBucketPolicy with 403 AccessDenied, when Block Public Access can be the reason; undefined
 * when only IAM can (BlockPublicPolicy is off, or the policy grants to fixed principals only, or S3 judges the
 * statements we keep non-public where they already are).
 *
 * The policy we write keeps only statements this rule calls non-public, so S3 refuses it only where S3 and the
 * rule disagree, about a statement that grants to everyone and relies on a condition. Each such statement is in
 * the bucket's current policy too, so S3's verdict on that policy decides, unless it also holds statements we
 * are removing as public: then S3's "public" may be about those, and IAM stays a possible cause.
 */
export function policyRefusal(facts: RefusalFacts): PolicyRefusal | undefined {
  if (!facts.blockPublicPolicy) return undefined;
  const label = (statement: Statement, index: number): string => {
    const stored = facts.stored.indexOf(statement);
    return `${statementLabel(statement, stored >= 0 ? stored : index)} (${judgeStatement(statement).reason})`;
  };
  const publicOnes = facts.attempted.flatMap((s, i) => (isPublicStatement(s) ? [label(s, i)] : []));
  if (publicOnes.length > 0) {
    return {
      kind: "public",
      message:
        `S3 refused the policy for bucket ${facts.bucket}: Block Public Access (BlockPublicPolicy) is on, and by S3's rule these ` +
        `statements are public: ${publicOnes.join("; ")}. Remove them or narrow them: ${howToNarrow}`,
    };
  }
  const conditional = facts.attempted.flatMap((s, i) => (judgeStatement(s).restsOnCondition ? [label(s, i)] : []));
  if (conditional.length === 0 || facts.storedPolicyPublic !== true) return undefined;
  if (facts.stored.some(isPublicStatement)) {
    return {
      kind: "uncertain",
      message:
        `If the operator's role does have that action: Block Public Access (BlockPublicPolicy) is on, and S3 may judge public one of ` +
        `these statements, which grant to everyone and are kept because a condition limits them: ${conditional.join("; ")}`,
    };
  }
  return {
    kind: "public",
    message:
      `S3 refused the policy for bucket ${facts.bucket}: Block Public Access (BlockPublicPolicy) is on, and S3 reports the bucket's ` +
      `current policy as public although no statement in it is public by S3's documented rule. S3 judges public at least one of ` +
      `these, which grant to everyone and which the operator keeps because a condition limits them: ${conditional.join("; ")}. ` +
      `The operator removes only statements it can show to be public: narrow or remove that one by hand (${howToNarrow})`,
  };
}

/** The message when S3 calls the policy public after the operator wrote it. */
export function policyStillPublic(bucket: string, statements: readonly Statement[]): string {
  const conditional = statements.flatMap((s, i) => (judgeStatement(s).restsOnCondition ? [`${statementLabel(s, i)} (${judgeStatement(s).reason})`] : []));
  const suspects = conditional.length === 0 ? "" : `; the statements that grant to everyone and rely on a condition are: ${conditional.join("; ")}`;
  return (
    `S3 reports the policy of bucket ${bucket} as public (GetBucketPolicyStatus), although by S3's documented rule no statement ` +
    `in it is${suspects}. Check that Block Public Access is on for the bucket and the account, and narrow or remove the ` +
    `statement S3 objects to by hand (${howToNarrow})`
  );
}

/** The policy without our statement, or undefined when nothing would be left (delete the policy then). */
export function policyWithoutStatement(current: Policy, sid: string): Policy | undefined {
  const rest = current.Statement.filter((s) => s.Sid !== sid);
  return rest.length === 0 ? undefined : { ...current, Statement: rest };
}

function countKeptBefore(statements: readonly Statement[], index: number, sid: string): number {
  return statements.slice(0, index).filter((s) => s.Sid !== sid && !isPublicStatement(s)).length;
}

function insertAt<T>(items: readonly T[], index: number, item: T): T[] {
  return [...items.slice(0, index), item, ...items.slice(index)];
}

/** Equal as S3 would evaluate them: list order inside a field, and a string vs a one-item list, do not matter. */
export function policiesEquivalent(a: Policy | undefined, b: Policy | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return deepEqual(normalizePolicy(a), normalizePolicy(b));
}

function sortedList(value: unknown): unknown {
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return [String(value)];
  if (Array.isArray(value)) return value.map(String).sort();
  return value;
}

function normalizeStatement(statement: Statement): unknown {
  const normalized: Record<string, unknown> = { ...statement };
  for (const field of ["Action", "NotAction", "Resource", "NotResource"] as const) {
    if (statement[field] !== undefined) normalized[field] = sortedList(statement[field]);
  }
  for (const field of ["Principal", "NotPrincipal"] as const) {
    const principal = statement[field];
    if (principal !== undefined && principal !== "*") {
      normalized[field] = Object.fromEntries(Object.entries(principal).map(([k, v]) => [k, sortedList(v)]));
    }
  }
  if (statement.Condition !== undefined) {
    normalized["Condition"] = Object.fromEntries(
      Object.entries(statement.Condition).map(([op, entries]) => [
        op,
        Object.fromEntries(Object.entries(entries).map(([k, v]) => [k.toLowerCase(), sortedList(v)])),
      ]),
    );
  }
  return normalized;
}

function normalizePolicy(policy: Policy): unknown {
  return { ...policy, Version: policy.Version ?? "2008-10-17", Statement: policy.Statement.map(normalizeStatement) };
}

// The settings that decide whether the bucket is exposed: Block Public Access, and the bucket policy (our
// CloudFront statement in, the statements S3 considers public out). These are re-read on every exposure resync,
// because exposure is the drift that costs money. An in-sync pass reads three things (the claim tag read
// before this, Block Public Access, the policy); S3's own verdict (GetBucketPolicyStatus) is asked only after a
// write, when a write is refused, and while the resource is stalled because S3 called the policy public.
import {
  DeleteBucketPolicyCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  GetPublicAccessBlockCommand,
  PutBucketPolicyCommand,
  PutPublicAccessBlockCommand,
  type PublicAccessBlockConfiguration,
} from "@aws-sdk/client-s3";
import { conditionTypes, type SecuredContentBucket } from "../../api/index.ts";
import { hasAwsCode } from "../../aws/errors.ts";
import { PermanentError } from "../../errors.ts";
import type { StepContext } from "../common/context.ts";
import { legacyPolicyStatementId, policyStatementId } from "../common/naming.ts";
import {
  desiredBucketPolicy,
  otherReaders,
  parsePolicy,
  policiesEquivalent,
  policyRefusal,
  policyStillPublic,
  policyWithoutStatement,
  stillPublicReason,
  type Policy,
} from "./policy-document.ts";
import { judgeStatement } from "./public-policy.ts";

const allBlocked: Required<PublicAccessBlockConfiguration> = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
};

function s3(ctx: StepContext) {
  return ctx.aws.s3(ctx.resource.spec.bucket.region);
}

/** The Block Public Access settings that are off; all four when the bucket has none. */
export function settingsOff(current: PublicAccessBlockConfiguration | undefined): (keyof PublicAccessBlockConfiguration)[] {
  return (Object.keys(allBlocked) as (keyof PublicAccessBlockConfiguration)[]).filter((key) => current?.[key] !== true);
}

async function readBlockPublicAccess(ctx: StepContext): Promise<PublicAccessBlockConfiguration | undefined> {
  try {
    const bucket = ctx.resource.spec.bucket.name;
    return (await s3(ctx).send(new GetPublicAccessBlockCommand({ Bucket: bucket }), { abortSignal: ctx.signal })).PublicAccessBlockConfiguration;
  } catch (error) {
    if (hasAwsCode(error, "NoSuchPublicAccessBlockConfiguration")) return undefined;
    throw error;
  }
}

/** Turns all four Block Public Access settings on, if any is off. Returns whether it changed anything. */
export async function ensureBlockPublicAccess(ctx: StepContext): Promise<boolean> {
  const bucket = ctx.resource.spec.bucket.name;
  const current = await readBlockPublicAccess(ctx);
  const off = settingsOff(current);
  if (off.length === 0) return false;
  await s3(ctx).send(new PutPublicAccessBlockCommand({ Bucket: bucket, PublicAccessBlockConfiguration: allBlocked }), { abortSignal: ctx.signal });
  const message = `turned on Block Public Access settings that were off: ${off.join(", ")}`;
  ctx.notices.push(
    current === undefined
      ? { kind: "changed", reason: "BlockPublicAccessEnabled", message }
      : { kind: "drift", reason: "BlockPublicAccessRestored", message, drift: "block-public-access" },
  );
  return true;
}

/** The bucket policy, parsed; undefined when the bucket has none. */
export async function readPolicy(ctx: StepContext): Promise<Policy | undefined> {
  try {
    const result = await s3(ctx).send(new GetBucketPolicyCommand({ Bucket: ctx.resource.spec.bucket.name }), { abortSignal: ctx.signal });
    return result.Policy === undefined ? undefined : parsePolicy(result.Policy);
  } catch (error) {
    if (hasAwsCode(error, "NoSuchBucketPolicy")) return undefined;
    throw error;
  }
}

/** S3's verdict on the policy the bucket has now (GetBucketPolicyStatus); undefined when it has none. */
async function policyIsPublic(ctx: StepContext): Promise<boolean | undefined> {
  try {
    const result = await s3(ctx).send(new GetBucketPolicyStatusCommand({ Bucket: ctx.resource.spec.bucket.name }), { abortSignal: ctx.signal });
    return result.PolicyStatus?.IsPublic === true;
  } catch (error) {
    if (hasAwsCode(error, "NoSuchBucketPolicy")) return undefined;
    throw error;
  }
}

export interface BucketPolicyOutcome {
  /** Whether the policy was written. */
  readonly changed: boolean;
  /** Labels (Sids, or positions) of the other statements that let someone read objects. */
  readonly otherReaders: readonly string[];
}

/**
 * Makes the policy grant reads to this distribution, through CloudFront's service principal, keeping other
 * statements and dropping the ones S3 considers public. Says which other statements let someone read too:
 * they are left alone (another team's role, a distribution kept by deletionPolicy Retain), but the bucket is
 * then not read by this distribution alone, and the BucketSecured condition must not claim it is.
 */
export async function ensureBucketPolicy(ctx: StepContext, distributionArn: string): Promise<BucketPolicyOutcome> {
  const bucket = ctx.resource.spec.bucket.name;
  const sid = policyStatementId(ctx.owner);
  const current = await readPolicy(ctx);
  const { policy, removedPublic } = desiredBucketPolicy(current, { sid, bucket, distributionArn, replaces: legacyPolicyStatementId(ctx.owner) });
  const others = otherReaders(policy, sid);
  if (policiesEquivalent(current, policy)) {
    // Stalled because S3 called the policy public: ask again, so the stall lasts exactly as long as that does.
    if (stalledFor(ctx.resource, stillPublicReason)) await confirmNotPublic(ctx, policy);
    return { changed: false, otherReaders: others };
  }
  await putPolicy(ctx, policy, current);
  for (const statement of removedPublic) {
    const label = statement.Sid === undefined ? "" : ` (${statement.Sid})`;
    ctx.notices.push({
      kind: "drift",
      reason: "PublicStatementRemoved",
      message: `removed a public statement${label} from the policy of bucket ${bucket}: ${judgeStatement(statement).reason}`,
      drift: "public-policy-statement",
    });
  }
  const hadOurs = current?.Statement.some((s) => s.Sid === sid) ?? false;
  const message = `bucket policy statement ${sid} lets ${others.length === 0 ? "only " : ""}${distributionArn} read ${bucket}`;
  ctx.notices.push(
    hadOurs
      ? { kind: "drift", reason: "BucketPolicyCorrected", message, drift: "bucket-policy-statement" }
      : { kind: "changed", reason: "BucketPolicyGranted", message },
  );
  if (!hadOurs && others.length > 0) ctx.notices.push({ kind: "warning", reason: "OtherReadGrants", message: otherReadersMessage(bucket, others) });
  await confirmNotPublic(ctx, policy);
  return { changed: true, otherReaders: others };
}

/** What the tenant is told about other readers: how many statements and their Sids, nothing they name. */
export function otherReadersMessage(bucket: string, others: readonly string[]): string {
  return (
    `the policy of bucket ${bucket} has ${String(others.length)} other statement(s) that let someone else read objects ` +
    `(${others.join(", ")}); the operator leaves them alone, so the distribution is not the only reader`
  );
}

/**
 * Writes the policy. A 403 AccessDenied is either IAM refusing the operator or Block Public Access refusing a
 * policy S3 considers public; the second becomes PublicPolicyRejected, naming the statements, and the first
 * stays AccessDenied (naming the IAM action).
 */
async function putPolicy(ctx: StepContext, policy: Policy, current: Policy | undefined): Promise<void> {
  const bucket = ctx.resource.spec.bucket.name;
  try {
    await s3(ctx).send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(policy) }), { abortSignal: ctx.signal });
  } catch (error) {
    if (!hasAwsCode(error, "AccessDenied")) throw error;
    const blockPublicPolicy = (await readBlockPublicAccess(ctx))?.BlockPublicPolicy === true;
    const storedPolicyPublic = blockPublicPolicy && current !== undefined ? await policyIsPublic(ctx) : undefined;
    const refusal = policyRefusal({ bucket, attempted: policy.Statement, stored: current?.Statement ?? [], blockPublicPolicy, storedPolicyPublic });
    if (refusal === undefined) throw error;
    if (refusal.kind === "public") throw new PermanentError("PublicPolicyRejected", refusal.message, { cause: error });
    throw new PermanentError(error.reason, `${error.message}. ${refusal.message}`, { cause: error });
  }
}

/** After a write, or while stalled for it: S3 must agree that the policy is not public. */
async function confirmNotPublic(ctx: StepContext, policy: Policy): Promise<void> {
  if ((await policyIsPublic(ctx)) !== true) return;
  throw new PermanentError(stillPublicReason, policyStillPublic(ctx.resource.spec.bucket.name, policy.Statement));
}

function stalledFor(resource: SecuredContentBucket, reason: string): boolean {
  return resource.status?.conditions?.some((c) => c.type === conditionTypes.stalled && c.status === "True" && c.reason === reason) ?? false;
}

/**
 * Removes only our statement; deletes the policy when nothing else is left in it. Returns whether there was
 * one to remove.
 */
export async function removeBucketPolicyStatement(ctx: StepContext): Promise<boolean> {
  const bucket = ctx.resource.spec.bucket.name;
  const current = await readPolicy(ctx);
  if (current === undefined) return false;
  const sid = policyStatementId(ctx.owner);
  if (!current.Statement.some((s) => s.Sid === sid)) return false;
  const rest = policyWithoutStatement(current, sid);
  if (rest === undefined) await s3(ctx).send(new DeleteBucketPolicyCommand({ Bucket: bucket }), { abortSignal: ctx.signal });
  else await s3(ctx).send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(rest) }), { abortSignal: ctx.signal });
  return true;
}

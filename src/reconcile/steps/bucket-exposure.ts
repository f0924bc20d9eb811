// The settings that decide whether the bucket is exposed: Block Public Access, and the bucket policy (our
// CloudFront statement in, public statements out). These are re-read on every exposure resync, because
// exposure is the drift that costs money.
import {
  DeleteBucketPolicyCommand,
  GetBucketPolicyCommand,
  GetPublicAccessBlockCommand,
  PutBucketPolicyCommand,
  PutPublicAccessBlockCommand,
  type PublicAccessBlockConfiguration,
} from "@aws-sdk/client-s3";
import { toAwsError } from "../../aws/errors.ts";
import { desiredBucketPolicy, parsePolicy, policiesEquivalent, policyWithoutStatement, type Policy } from "../bucket-policy.ts";
import { policyStatementId } from "../naming.ts";
import type { StepContext } from "./context.ts";

const allBlocked: Required<PublicAccessBlockConfiguration> = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
};

function s3(ctx: StepContext) {
  return ctx.aws.s3(ctx.resource.spec.bucket.region);
}

/** Turns all four Block Public Access settings on, if any is off. Returns whether it changed anything. */
export async function ensureBlockPublicAccess(ctx: StepContext): Promise<boolean> {
  const bucket = ctx.resource.spec.bucket.name;
  let current: PublicAccessBlockConfiguration | undefined;
  try {
    const result = await s3(ctx).send(new GetPublicAccessBlockCommand({ Bucket: bucket }), { abortSignal: ctx.signal });
    current = result.PublicAccessBlockConfiguration;
  } catch (error) {
    const failure = toAwsError(error, "s3", "GetPublicAccessBlock");
    if (failure.awsCode !== "NoSuchPublicAccessBlockConfiguration") throw failure;
  }
  const off = (Object.keys(allBlocked) as (keyof PublicAccessBlockConfiguration)[]).filter((k) => current?.[k] !== true);
  if (off.length === 0) return false;
  try {
    await s3(ctx).send(new PutPublicAccessBlockCommand({ Bucket: bucket, PublicAccessBlockConfiguration: allBlocked }), { abortSignal: ctx.signal });
  } catch (error) {
    throw toAwsError(error, "s3", "PutPublicAccessBlock");
  }
  ctx.notices.push({
    type: current === undefined ? "Normal" : "Warning",
    reason: current === undefined ? "BlockPublicAccessEnabled" : "BlockPublicAccessRestored",
    message: `turned on Block Public Access settings that were off: ${off.join(", ")}`,
    ...(current === undefined ? {} : { drift: "block-public-access" }),
  });
  return true;
}

async function readPolicy(ctx: StepContext): Promise<Policy | undefined> {
  try {
    const result = await s3(ctx).send(new GetBucketPolicyCommand({ Bucket: ctx.resource.spec.bucket.name }), { abortSignal: ctx.signal });
    return result.Policy === undefined ? undefined : parsePolicy(result.Policy);
  } catch (error) {
    const failure = toAwsError(error, "s3", "GetBucketPolicy");
    if (failure.awsCode === "NoSuchBucketPolicy") return undefined;
    throw failure;
  }
}

/**
 * Makes the policy grant reads to this distribution only, through CloudFront's service principal, keeping
 * other statements and dropping public ones. Returns whether it changed anything.
 */
export async function ensureBucketPolicy(ctx: StepContext, distributionArn: string): Promise<boolean> {
  const bucket = ctx.resource.spec.bucket.name;
  const sid = policyStatementId(ctx.owner);
  const current = await readPolicy(ctx);
  const { policy, removedPublic } = desiredBucketPolicy(current, { sid, bucket, distributionArn });
  if (policiesEquivalent(current, policy)) return false;
  try {
    await s3(ctx).send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(policy) }), { abortSignal: ctx.signal });
  } catch (error) {
    throw toAwsError(error, "s3", "PutBucketPolicy");
  }
  for (const statement of removedPublic) {
    ctx.notices.push({
      type: "Warning",
      reason: "PublicStatementRemoved",
      message: `removed a public statement${statement.Sid === undefined ? "" : ` (${statement.Sid})`} from the policy of bucket ${bucket}`,
      drift: "public-policy-statement",
    });
  }
  const hadOurs = current?.Statement.some((s) => s.Sid === sid) ?? false;
  ctx.notices.push({
    type: "Normal",
    reason: hadOurs ? "BucketPolicyCorrected" : "BucketPolicyGranted",
    message: `bucket policy statement ${sid} lets only ${distributionArn} read ${bucket}`,
    ...(hadOurs ? { drift: "bucket-policy-statement" } : {}),
  });
  return true;
}

/** Removes only our statement; deletes the policy when nothing else is left in it. */
export async function removeBucketPolicyStatement(ctx: StepContext): Promise<void> {
  const bucket = ctx.resource.spec.bucket.name;
  const current = await readPolicy(ctx);
  if (current === undefined) return;
  const sid = policyStatementId(ctx.owner);
  if (!current.Statement.some((s) => s.Sid === sid)) return;
  const rest = policyWithoutStatement(current, sid);
  try {
    if (rest === undefined) await s3(ctx).send(new DeleteBucketPolicyCommand({ Bucket: bucket }), { abortSignal: ctx.signal });
    else await s3(ctx).send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(rest) }), { abortSignal: ctx.signal });
  } catch (error) {
    throw toAwsError(error, "s3", rest === undefined ? "DeleteBucketPolicy" : "PutBucketPolicy");
  }
}

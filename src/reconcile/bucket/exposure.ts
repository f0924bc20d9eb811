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
import { hasAwsCode } from "../../aws/errors.ts";
import type { StepContext } from "../shared/context.ts";
import { policyStatementId } from "../shared/naming.ts";
import { desiredBucketPolicy, parsePolicy, policiesEquivalent, policyWithoutStatement, type Policy } from "./policy-document.ts";

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

/** Turns all four Block Public Access settings on, if any is off. Returns whether it changed anything. */
export async function ensureBlockPublicAccess(ctx: StepContext): Promise<boolean> {
  const bucket = ctx.resource.spec.bucket.name;
  let current: PublicAccessBlockConfiguration | undefined;
  try {
    current = (await s3(ctx).send(new GetPublicAccessBlockCommand({ Bucket: bucket }), { abortSignal: ctx.signal })).PublicAccessBlockConfiguration;
  } catch (error) {
    if (!hasAwsCode(error, "NoSuchPublicAccessBlockConfiguration")) throw error;
  }
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

async function readPolicy(ctx: StepContext): Promise<Policy | undefined> {
  try {
    const result = await s3(ctx).send(new GetBucketPolicyCommand({ Bucket: ctx.resource.spec.bucket.name }), { abortSignal: ctx.signal });
    return result.Policy === undefined ? undefined : parsePolicy(result.Policy);
  } catch (error) {
    if (hasAwsCode(error, "NoSuchBucketPolicy")) return undefined;
    throw error;
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
  await s3(ctx).send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(policy) }), { abortSignal: ctx.signal });
  for (const statement of removedPublic) {
    ctx.notices.push({
      kind: "drift",
      reason: "PublicStatementRemoved",
      message: `removed a public statement${statement.Sid === undefined ? "" : ` (${statement.Sid})`} from the policy of bucket ${bucket}`,
      drift: "public-policy-statement",
    });
  }
  const hadOurs = current?.Statement.some((s) => s.Sid === sid) ?? false;
  const message = `bucket policy statement ${sid} lets only ${distributionArn} read ${bucket}`;
  ctx.notices.push(
    hadOurs
      ? { kind: "drift", reason: "BucketPolicyCorrected", message, drift: "bucket-policy-statement" }
      : { kind: "changed", reason: "BucketPolicyGranted", message },
  );
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
  if (rest === undefined) await s3(ctx).send(new DeleteBucketPolicyCommand({ Bucket: bucket }), { abortSignal: ctx.signal });
  else await s3(ctx).send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(rest) }), { abortSignal: ctx.signal });
}

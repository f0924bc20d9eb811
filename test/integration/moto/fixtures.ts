// Shared setup for the emulator-fidelity tests: SDK clients, the distribution shape the operator creates,
// anonymous requests, and a way to look at an AWS error's code and HTTP status.
import {
  CloudFrontClient,
  CreateDistributionWithTagsCommand,
  CreateOriginAccessControlCommand,
  DeleteDistributionCommand,
  GetDistributionCommand,
  GetDistributionConfigCommand,
  UpdateDistributionCommand,
  type DistributionConfig,
  type Tag,
} from "@aws-sdk/client-cloudfront";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { awsClientConfig, type HarnessEnv } from "../../harness/env.ts";

type AwsEnv = Pick<HarnessEnv, "awsEndpoint" | "awsRegion">;

/** The managed CachingOptimized policy, which the operator uses by default. */
export const cachingOptimized = "658327ea-f89d-4fab-a63d-7e88639e58f6";

export const clients = (env: AwsEnv) => ({
  cloudFront: new CloudFrontClient(awsClientConfig(env)),
  s3: new S3Client(awsClientConfig(env)),
});

export function edgeFunctionArn(version: number): string {
  return `arn:aws:lambda:us-east-1:123456789012:function:securedcontent-edge-auth:${String(version)}`;
}

export interface OperatorDistribution {
  readonly callerReference: string;
  readonly bucket: string;
  readonly originAccessControlId: string;
  readonly functionArn?: string;
  readonly enabled?: boolean;
}

/** The distribution the operator asks for: the bucket as its only origin, through the OAC, with the edge function on viewer requests. */
export function operatorDistributionConfig(spec: OperatorDistribution): DistributionConfig {
  return {
    CallerReference: spec.callerReference,
    Comment: "",
    Enabled: spec.enabled ?? true,
    PriceClass: "PriceClass_100",
    Origins: {
      Quantity: 1,
      Items: [
        {
          Id: "s3-origin",
          DomainName: `${spec.bucket}.s3.us-east-1.amazonaws.com`,
          OriginAccessControlId: spec.originAccessControlId,
          S3OriginConfig: { OriginAccessIdentity: "" },
        },
      ],
    },
    DefaultCacheBehavior: {
      TargetOriginId: "s3-origin",
      ViewerProtocolPolicy: "redirect-to-https",
      AllowedMethods: { Quantity: 2, Items: ["GET", "HEAD"], CachedMethods: { Quantity: 2, Items: ["GET", "HEAD"] } },
      CachePolicyId: cachingOptimized,
      Compress: true,
      LambdaFunctionAssociations: {
        Quantity: 1,
        Items: [{ EventType: "viewer-request", LambdaFunctionARN: spec.functionArn ?? edgeFunctionArn(1), IncludeBody: false }],
      },
    },
  };
}

export async function createOriginAccessControl(cloudFront: CloudFrontClient, name: string) {
  const created = await cloudFront.send(
    new CreateOriginAccessControlCommand({
      OriginAccessControlConfig: {
        Name: name,
        Description: "",
        OriginAccessControlOriginType: "s3",
        SigningBehavior: "always",
        SigningProtocol: "sigv4",
      },
    }),
  );
  return { id: required(created.OriginAccessControl?.Id, "OAC id"), etag: required(created.ETag, "OAC ETag") };
}

export async function createDistribution(cloudFront: CloudFrontClient, config: DistributionConfig, tags: Tag[] = []) {
  const created = await cloudFront.send(
    new CreateDistributionWithTagsCommand({ DistributionConfigWithTags: { DistributionConfig: config, Tags: { Items: tags } } }),
  );
  const distribution = required(created.Distribution, "distribution");
  return { id: required(distribution.Id, "distribution id"), arn: required(distribution.ARN, "ARN"), etag: required(created.ETag, "ETag"), distribution };
}

/**
 * Makes distributions as the operator would, each with a fresh caller reference, all using one origin access
 * control that is created on the first call.
 */
export function distributionMaker(cloudFront: CloudFrontClient, prefix: string) {
  let oacId: string | undefined;
  let counter = 0;
  return async (enabled = true) => {
    oacId ??= (await createOriginAccessControl(cloudFront, `${prefix}-oac`)).id;
    counter += 1;
    return createDistribution(
      cloudFront,
      operatorDistributionConfig({ callerReference: `${prefix}-${String(counter)}`, bucket: `${prefix}-bucket`, originAccessControlId: oacId, enabled }),
    );
  };
}

/** Reads the config with its ETag, applies the edit and writes it back with IfMatch; returns the new ETag. */
export async function editDistribution(cloudFront: CloudFrontClient, id: string, edit: (config: DistributionConfig) => DistributionConfig): Promise<string> {
  const current = await cloudFront.send(new GetDistributionConfigCommand({ Id: id }));
  const config = required(current.DistributionConfig, "config");
  const updated = await cloudFront.send(new UpdateDistributionCommand({ Id: id, IfMatch: current.ETag, DistributionConfig: edit(config) }));
  return required(updated.ETag, "ETag");
}

/** Disables the distribution, waits until that change is Deployed and deletes it, as the operator does. */
export async function retireDistribution(cloudFront: CloudFrontClient, id: string): Promise<void> {
  const etag = await editDistribution(cloudFront, id, (config) => ({ ...config, Enabled: false }));
  await readUntilDeployed(cloudFront, id);
  await cloudFront.send(new DeleteDistributionCommand({ Id: id, IfMatch: etag }));
}

/** A new bucket holding one lesson video, as the tests' content. */
export async function createLessonBucket(s3: S3Client, bucket: string): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "lesson-1.mp4", Body: "video bytes" }));
}

/** One GetDistribution: returns what a poller would see. */
export async function readStatus(cloudFront: CloudFrontClient, id: string): Promise<string | undefined> {
  const read = await cloudFront.send(new GetDistributionCommand({ Id: id }));
  return read.Distribution?.Status;
}

/** Polls GetDistribution, bounded, until Deployed; returns how many reads it took. */
export async function readUntilDeployed(cloudFront: CloudFrontClient, id: string, maxReads = 20): Promise<number> {
  for (let reads = 1; reads <= maxReads; reads += 1) {
    if ((await readStatus(cloudFront, id)) === "Deployed") return reads;
  }
  throw new Error(`distribution ${id} was not Deployed after ${String(maxReads)} reads`);
}

export interface AwsErrorSummary {
  readonly name: string;
  readonly status: number | undefined;
}

export interface AwsRefusal extends AwsErrorSummary {
  readonly message: string;
}

/** Awaits a call that must fail and returns its AWS error code, HTTP status and message. */
export async function awsRefusal(call: Promise<unknown>): Promise<AwsRefusal> {
  try {
    await call;
  } catch (error) {
    if (error instanceof Error && "$metadata" in error) {
      const metadata = error.$metadata as { httpStatusCode?: number } | undefined;
      return { name: error.name, status: metadata?.httpStatusCode, message: error.message };
    }
    throw error;
  }
  throw new Error("expected the AWS call to fail, but it succeeded");
}

/** Awaits a call that must fail and returns its AWS error code and HTTP status. */
export async function awsError(call: Promise<unknown>): Promise<AwsErrorSummary> {
  const { name, status } = await awsRefusal(call);
  return { name, status };
}

/** An unsigned request, as a browser or curl would send it: S3 sees an anonymous caller. */
export async function anonymous(
  env: AwsEnv,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: string }> {
  const response = await fetch(`${env.awsEndpoint}/${path}`, { ...init, signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: await response.text() };
}

/** An unsigned request made as CloudFront reading through OAC for one distribution (see the moto README). */
export function asCloudFront(distributionArn: string): Record<string, string> {
  return { "x-harness-service-principal": "cloudfront.amazonaws.com", "x-harness-source-arn": distributionArn };
}

export function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`the emulator returned no ${what}`);
  return value;
}

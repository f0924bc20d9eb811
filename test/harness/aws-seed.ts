// Seeds the emulator with what a platform team would have before installing the operator: a content bucket
// that is public today (where "Authenticated Access to S3 with Amazon Cognito", the article whose setup the
// operator automates, starts), and the edge function's execution role.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CreateRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { CreateBucketCommand, GetBucketTaggingCommand, PutBucketPolicyCommand, PutBucketTaggingCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { awsClientConfig, emulatorCredentials, type HarnessEnv } from "./env.ts";
import { ensureMotoVenv } from "./moto.ts";
import { repoRoot } from "./paths.ts";

type AwsEnv = Pick<HarnessEnv, "awsEndpoint" | "awsRegion">;

const edgeTrustPolicy = {
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: { Service: ["lambda.amazonaws.com", "edgelambda.amazonaws.com"] },
      Action: "sts:AssumeRole",
    },
  ],
};

/** Creates the execution role edge functions run as, trusted by lambda and edgelambda; returns its ARN. */
export async function createEdgeRole(env: AwsEnv, name = "securedcontent-edge"): Promise<string> {
  const iam = new IAMClient(awsClientConfig(env));
  const role = await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(edgeTrustPolicy) }));
  const arn = role.Role?.Arn;
  if (arn === undefined) throw new Error("CreateRole returned no ARN");
  return arn;
}

export interface ContentObject {
  readonly key: string;
  readonly body: string | Uint8Array;
  readonly contentType: string;
}

/** A bucket with content and, as in the article before the fix, a policy that lets anyone read it. */
export async function createPublicContentBucket(env: AwsEnv, bucket: string, objects: readonly ContentObject[]): Promise<void> {
  const s3 = new S3Client(awsClientConfig(env));
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  for (const object of objects) {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: object.key, Body: object.body, ContentType: object.contentType }));
  }
  const publicRead = {
    Version: "2012-10-17",
    Statement: [{ Sid: "PublicRead", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/*` }],
  };
  await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(publicRead) }));
}

/** The demo's lesson video: a real 4-second VP8 WebM (~100 KB) that browsers play; see test/fixtures/README.md. */
export const lessonVideoPath = join(repoRoot, "test", "fixtures", "lesson-1.webm");

/**
 * What a bucket's owners do to let namespaces secure it: tag it securedcontent.io/allowed-consumers with
 * `<cluster>/<namespace>` entries (src/tenancy/consent.ts), keeping its other tags. Returns once S3 shows the
 * tag, as bucket tags are eventually consistent.
 */
export async function consentToConsumers(env: AwsEnv, bucket: string, consumers: readonly string[]): Promise<void> {
  const s3 = new S3Client(awsClientConfig(env));
  const key = "securedcontent.io/allowed-consumers";
  const read = async () => (await s3.send(new GetBucketTaggingCommand({ Bucket: bucket })).catch(() => ({ TagSet: [] }))).TagSet ?? [];
  const others = (await read()).filter((tag) => tag.Key !== key);
  const value = consumers.join(" ");
  await s3.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: [...others, { Key: key, Value: value }] } }));
  for (let attempt = 0; attempt < 20; attempt += 1) {
    if ((await read()).some((tag) => tag.Key === key && tag.Value === value)) return;
    await new Promise((resolveWait) => setTimeout(resolveWait, 100));
  }
  throw new Error(`S3 does not show the consent tag on ${bucket}`);
}

/** Course content (a lesson video, a quiz and an assignment): `make dev` serves it, and so do the end-to-end tests. */
export function courseContent(): ContentObject[] {
  const quiz = {
    title: "Lesson 1 quiz",
    questions: [{ question: "What does OAC stand for?", options: ["Origin Access Control", "Object Access Control"], answer: 0 }],
  };
  return [
    { key: "videos/lesson-1.webm", body: new Uint8Array(readFileSync(lessonVideoPath)), contentType: "video/webm" },
    { key: "quizzes/quiz-1.json", body: `${JSON.stringify(quiz, null, 2)}\n`, contentType: "application/json" },
    { key: "assignments/assignment-1.md", body: "# Assignment 1\n\nMake a public bucket private, and serve it only to paid students.\n", contentType: "text/markdown" },
  ];
}

// moto's WAFv2 is reached through boto3 in its own virtualenv: the project has no WAF SDK client, and a web ACL
// is only ever created here, by tests.
const createWebAclScript = `
import json, sys
import boto3
request = json.load(sys.stdin)
waf = boto3.client("wafv2", endpoint_url=request["endpoint"], region_name="us-east-1",
                   aws_access_key_id=request["accessKeyId"], aws_secret_access_key=request["secretAccessKey"])
acl = waf.create_web_acl(Name=request["name"], Scope="CLOUDFRONT", DefaultAction={"Allow": {}},
                         VisibilityConfig={"SampledRequestsEnabled": False, "CloudWatchMetricsEnabled": False, "MetricName": request["name"]})
print(acl["Summary"]["ARN"])
`;

/** Creates a WAFv2 web ACL with CloudFront scope (which lives in us-east-1) and returns its ARN. */
export async function createCloudFrontWebAcl(env: AwsEnv, name: string): Promise<string> {
  const python = await ensureMotoVenv(() => undefined);
  const request = { endpoint: env.awsEndpoint, name, ...emulatorCredentials };
  return new Promise((resolveRun, reject) => {
    const child = execFile(python, ["-c", createWebAclScript], { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`creating web ACL ${name} in the emulator failed: ${stderr || error.message}`));
      else resolveRun(stdout.trim());
    });
    child.stdin?.end(JSON.stringify(request));
  });
}

// Patch cloudfront_caller_permissions: with IAM enforcement on, creating or changing a distribution needs what
// CloudFront checks on the caller's behalf: lambda:GetFunction and lambda:EnableReplication* on a version it
// starts replicating, lambda:DisableReplication* on one it stops replicating, iam:CreateServiceLinkedRole for
// the Lambda@Edge service-linked roles the first time, read access to a web ACL, and ACL access to a log bucket.
// The cases run in order: the service-linked roles made by one case are there for the ones after it.
import { CloudFrontClient, type DistributionConfig } from "@aws-sdk/client-cloudfront";
import { GetRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { CreateFunctionCommand, LambdaClient, PublishVersionCommand, UpdateFunctionCodeCommand } from "@aws-sdk/client-lambda";
import { strToU8, zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createCloudFrontWebAcl, createEdgeRole } from "../../harness/aws-seed.ts";
import { awsClientConfig } from "../../harness/env.ts";
import { clientConfigAs, createIamUser, policyOf, setUserPolicy, type IamUser, type PolicyStatement } from "../../harness/iam.ts";
import { iamDecisions, setIamEnforcement } from "../../harness/moto.ts";
import { clients, createDistribution, createOriginAccessControl, editDistribution, operatorDistributionConfig, required, awsRefusal } from "./fixtures.ts";

const edgeFunctions = "arn:aws:lambda:us-east-1:*:function:scb-edge-*";
const cloudFrontAll: PolicyStatement = { Effect: "Allow", Action: "cloudfront:*", Resource: "*" };
const readAndReplicate: PolicyStatement = {
  Effect: "Allow",
  Action: ["lambda:GetFunction", "lambda:EnableReplication*", "lambda:DisableReplication*"],
  Resource: edgeFunctions,
};
const serviceLinkedRoles: PolicyStatement = {
  Effect: "Allow",
  Action: "iam:CreateServiceLinkedRole",
  Resource: "*",
  Condition: { StringLike: { "iam:AWSServiceName": ["replicator.lambda.amazonaws.com", "logger.cloudfront.amazonaws.com"] } },
};

describe("what CloudFront checks on the caller's behalf", { concurrent: false, shuffle: false }, () => {
  const env = inject("harness");
  const root = clients(env);
  const rootLambda = new LambdaClient(awsClientConfig(env));
  const iam = new IAMClient(awsClientConfig(env));
  let user: IamUser;
  let cloudFront: CloudFrontClient;
  let oacId: string;
  let version1: string;
  let version2: string;
  let webAclArn: string;
  let counter = 0;

  const allow = (statements: readonly PolicyStatement[]) => setUserPolicy(env, user.userName, policyOf(statements));
  const config = (functionArn: string | undefined, extra: Partial<DistributionConfig> = {}): DistributionConfig => {
    counter += 1;
    const base = operatorDistributionConfig({ callerReference: `caller-permissions-${String(counter)}`, bucket: "content-bucket", originAccessControlId: oacId });
    if (functionArn === undefined) {
      return { ...base, ...extra, DefaultCacheBehavior: { ...base.DefaultCacheBehavior, TargetOriginId: "s3-origin", ViewerProtocolPolicy: "redirect-to-https", LambdaFunctionAssociations: { Quantity: 0, Items: [] } } };
    }
    return { ...operatorDistributionConfig({ callerReference: base.CallerReference ?? "", bucket: "content-bucket", originAccessControlId: oacId, functionArn }), ...extra };
  };
  const roleExists = (name: string) => iam.send(new GetRoleCommand({ RoleName: name })).then(() => true, () => false);

  beforeAll(async () => {
    const role = await createEdgeRole(env);
    const zip = (text: string) => zipSync({ "index.mjs": strToU8(`export const handler = async (event) => { /* ${text} */ return event.Records[0].cf.request; };`) });
    const created = await rootLambda.send(
      new CreateFunctionCommand({ FunctionName: "scb-edge-caller", Runtime: "nodejs22.x", Handler: "index.handler", Role: role, Code: { ZipFile: zip("one") }, Publish: true }),
    );
    const functionArn = required(created.FunctionArn, "function ARN").replace(/:\d+$/, "");
    version1 = `${functionArn}:${required(created.Version, "version")}`;
    await rootLambda.send(new UpdateFunctionCodeCommand({ FunctionName: "scb-edge-caller", ZipFile: zip("two") }));
    version2 = `${functionArn}:${required((await rootLambda.send(new PublishVersionCommand({ FunctionName: "scb-edge-caller" }))).Version, "version")}`;
    oacId = (await createOriginAccessControl(root.cloudFront, "caller-permissions-oac")).id;
    webAclArn = await createCloudFrontWebAcl(env, "courses-acl");
    user = await createIamUser(env, "distributor", policyOf([cloudFrontAll]));
    cloudFront = new CloudFrontClient(clientConfigAs(env, user));
    await setIamEnforcement(env.awsEndpoint, true);
  });

  afterAll(async () => {
    await setIamEnforcement(env.awsEndpoint, false);
    for (const client of [cloudFront, rootLambda, iam] as ({ destroy(): void } | undefined)[]) client?.destroy();
  });

  it("refuses to associate a version the caller may not read: lambda:GetFunction on the version", async () => {
    expect(await awsRefusal(createDistribution(cloudFront, config(version1)))).toEqual({
      name: "InvalidLambdaFunctionAssociation",
      status: 400,
      message: `Lambda@Edge cannot retrieve the specified Lambda function. Update the IAM policy to add permission: lambda:GetFunction for resource: ${version1} and try again.`,
    });
  });

  it("needs lambda:EnableReplication* with its asterisk: a grant of lambda:EnableReplication alone does not do", async () => {
    await allow([cloudFrontAll, { Effect: "Allow", Action: ["lambda:GetFunction", "lambda:EnableReplication"], Resource: edgeFunctions }]);
    expect(await awsRefusal(createDistribution(cloudFront, config(version1)))).toEqual({
      name: "InvalidLambdaFunctionAssociation",
      status: 400,
      message: `Lambda@Edge cannot enable replication for the specified Lambda function. Update the IAM policy to add permission: lambda:EnableReplication* for resource: ${version1} and try again.`,
    });
  });

  it("needs iam:CreateServiceLinkedRole for the replicator and the logger roles the first time, then they exist", async () => {
    await allow([cloudFrontAll, readAndReplicate]);
    expect(await awsRefusal(createDistribution(cloudFront, config(version1)))).toEqual({
      name: "AccessDenied",
      status: 403,
      message: "The user is not authorized to create or assume a service linked role.",
    });
    expect(await roleExists("AWSServiceRoleForLambdaReplicator")).toBe(false);

    // Allowed for the replicator only, the logger role still stops it.
    await allow([cloudFrontAll, readAndReplicate, { ...serviceLinkedRoles, Condition: { StringLike: { "iam:AWSServiceName": "replicator.lambda.amazonaws.com" } } }]);
    expect((await awsRefusal(createDistribution(cloudFront, config(version1)))).name).toBe("AccessDenied");

    await allow([cloudFrontAll, readAndReplicate, serviceLinkedRoles]);
    await createDistribution(cloudFront, config(version1));
    expect(await roleExists("AWSServiceRoleForLambdaReplicator")).toBe(true);
    expect(await roleExists("AWSServiceRoleForCloudFrontLogger")).toBe(true);

    // Once the roles exist, another association does not need the permission.
    await allow([cloudFrontAll, readAndReplicate]);
    await createDistribution(cloudFront, config(version1));
  });

  it("needs lambda:DisableReplication* on the version an update stops using, and nothing for one it keeps", async () => {
    await allow([cloudFrontAll, readAndReplicate]);
    const { id } = await createDistribution(cloudFront, config(version1));
    await allow([cloudFrontAll, { Effect: "Allow", Action: ["lambda:GetFunction", "lambda:EnableReplication*"], Resource: edgeFunctions }]);
    const moveTo = (arn: string) => editDistribution(cloudFront, id, (current) => ({
      ...current,
      DefaultCacheBehavior: { ...current.DefaultCacheBehavior, TargetOriginId: "s3-origin", ViewerProtocolPolicy: "redirect-to-https", LambdaFunctionAssociations: { Quantity: 1, Items: [{ EventType: "viewer-request", LambdaFunctionARN: arn, IncludeBody: false }] } },
    }));
    expect(await awsRefusal(moveTo(version2))).toEqual({
      name: "InvalidLambdaFunctionAssociation",
      status: 400,
      message: `Lambda@Edge cannot disable replication for the specified Lambda function. Update the IAM policy to add permission: lambda:DisableReplication* for resource: ${version1} and try again.`,
    });
    // An update that keeps the association (here: a new comment) asks for none of it.
    await allow([cloudFrontAll]);
    await editDistribution(cloudFront, id, (current) => ({ ...current, Comment: "kept" }));

    await allow([cloudFrontAll, readAndReplicate]);
    await moveTo(version2);
  });

  it("needs wafv2:GetWebACL on a web ACL the distribution starts using, and the web ACL must exist", async () => {
    await allow([cloudFrontAll]);
    const notAccessible = { name: "InvalidWebACLId", status: 400, message: "Web ACL is not accessible by the requester." };
    expect(await awsRefusal(createDistribution(cloudFront, config(undefined, { WebACLId: webAclArn })))).toEqual(notAccessible);
    await allow([cloudFrontAll, { Effect: "Allow", Action: "wafv2:GetWebACL", Resource: "arn:aws:wafv2:us-east-1:*:global/webacl/*/*" }]);
    await createDistribution(cloudFront, config(undefined, { WebACLId: webAclArn }));
    expect(await awsRefusal(createDistribution(cloudFront, config(undefined, { WebACLId: `${webAclArn.slice(0, -4)}0000` })))).toEqual(notAccessible);
  });

  it("needs s3:GetBucketAcl and s3:PutBucketAcl on the bucket that standard logging starts writing to", async () => {
    const logging = { Logging: { Enabled: true, IncludeCookies: false, Bucket: "courses-cloudfront-logs.s3.amazonaws.com", Prefix: "cf/" } };
    await allow([cloudFrontAll, { Effect: "Allow", Action: "s3:GetBucketAcl", Resource: "arn:aws:s3:::courses-cloudfront-logs" }]);
    expect(await awsRefusal(createDistribution(cloudFront, config(undefined, logging)))).toEqual({
      name: "AccessDenied",
      status: 403,
      message:
        "You don't have permission to access the S3 bucket for CloudFront logs: courses-cloudfront-logs.s3.amazonaws.com If you're using IAM, " +
        "you need s3:GetBucketAcl and s3:PutBucketAcl permissions to create a distribution or to update log settings for an existing " +
        "distribution. In addition, the S3 ACL for the bucket must grant you FULL_CONTROL.",
    });
    await allow([cloudFrontAll, { Effect: "Allow", Action: ["s3:GetBucketAcl", "s3:PutBucketAcl"], Resource: "arn:aws:s3:::courses-cloudfront-logs" }]);
    await createDistribution(cloudFront, config(undefined, logging));
  });

  it("records what it checked on the caller's behalf with the caller's other decisions", async () => {
    const onBehalf = (await iamDecisions(env.awsEndpoint)).filter((d) => d.operation === "on the caller's behalf");
    expect(new Set(onBehalf.map((d) => d.action))).toEqual(
      new Set(["lambda:GetFunction", "lambda:EnableReplication*", "lambda:DisableReplication*", "iam:CreateServiceLinkedRole", "wafv2:GetWebACL", "s3:GetBucketAcl", "s3:PutBucketAcl"]),
    );
    expect(onBehalf.every((d) => d.principal === user.arn && d.service === "cloudfront")).toBe(true);
  });
});

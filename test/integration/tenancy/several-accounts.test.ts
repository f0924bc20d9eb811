// One operator, two AWS accounts: a class that names a role in another account makes the operator assume it
// through the emulator's STS, and everything its resources manage (the consent read, the claim, the policy, the
// distribution, the edge function) happens in that account, under that account's edge role. The emulator keeps
// each account's resources apart by the credentials a request is signed with.
import { CloudFrontClient, GetDistributionCommand } from "@aws-sdk/client-cloudfront";
import { CreateRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { GetFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { CreateBucketCommand, GetBucketPolicyCommand, PutBucketTaggingCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { assumedRoleCredentials } from "../../../src/aws/assume-role.ts";
import { createEdgeRole } from "../../harness/aws-seed.ts";
import { seedUserPool } from "../../harness/cognito.ts";
import { awsClientConfig } from "../../harness/env.ts";
import { kubectl } from "../../harness/kubectl.ts";
import { waitFor } from "../../harness/wait.ts";
import { installCrd } from "../api/kube.ts";
import { startTestOperator, useEmulator, type TestOperator } from "../reconcile/operator.ts";
import { apply, classObject, resourceObject } from "./fixtures.ts";

const namespace = "accounts-tenant";
const clusterName = "accounts";
const tenantAccount = "222222222222";
const classRole = { roleArn: `arn:aws:iam::${tenantAccount}:role/securedcontent-class-tenant`, externalId: "tenant-external-id-1" };
const bucket = "tenant-courses";

describe("several AWS accounts from one operator", { concurrent: false, shuffle: false }, () => {
  const env = inject("harness");
  const own = { cloudFront: new CloudFrontClient(awsClientConfig(env)), lambda: new LambdaClient(awsClientConfig(env)) };
  let tenantCredentials: AwsCredentialIdentityProvider & { destroy(): void };
  let tenant: { s3: S3Client; cloudFront: CloudFrontClient; lambda: LambdaClient; iam: IAMClient };
  let operator: TestOperator;
  let restoreEnv: () => void;
  let status: { distribution?: { id: string; arn: string }; edgeFunction?: { name: string } } = {};

  beforeAll(async () => {
    restoreEnv = useEmulator(env);
    await installCrd(env);
    await kubectl(env, ["delete", "scbclass", "--all", "--wait=true"]);
    await kubectl(env, ["create", "namespace", namespace]);
    // The tenant account's owners prepare it as they would on AWS: the bucket with its consent tag, the edge role.
    tenantCredentials = assumedRoleCredentials({ ...classRole, sessionName: "tenant-owners", region: env.awsRegion });
    const config = { ...awsClientConfig(env), credentials: tenantCredentials };
    tenant = { s3: new S3Client(config), cloudFront: new CloudFrontClient(config), lambda: new LambdaClient(config), iam: new IAMClient(config) };
    await tenant.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await tenant.s3.send(new PutObjectCommand({ Bucket: bucket, Key: "index.html", Body: "<h1>lesson</h1>", ContentType: "text/html" }));
    await tenant.s3.send(
      new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: [{ Key: "securedcontent.io/allowed-consumers", Value: `${clusterName}/${namespace}` }] } }),
    );
    const edgeTrust = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: ["lambda.amazonaws.com", "edgelambda.amazonaws.com"] }, Action: "sts:AssumeRole" }],
    };
    const tenantEdgeRole = await tenant.iam.send(new CreateRoleCommand({ RoleName: "securedcontent-edge", AssumeRolePolicyDocument: JSON.stringify(edgeTrust) }));
    const pool = await seedUserPool(env, { poolName: "accounts", groups: ["paid-students"], users: [] });
    await apply(
      env,
      classObject("tenant-account", {
        namespaces: { from: "Selector", selector: { matchLabels: { "kubernetes.io/metadata.name": namespace } } },
        buckets: { namePatterns: ["tenant-*"] },
        userPools: [pool.userPoolId],
        aws: { ...classRole, edgeFunctionRoleArn: tenantEdgeRole.Role?.Arn ?? "" },
      }),
    );
    // The operator's own edge role is in its own account: the class must make it use the tenant's.
    operator = await startTestOperator(env, { edgeRoleArn: await createEdgeRole(env), clusterName, exposureResyncMs: 60_000, fullResyncMs: 60_000, deployingRequeueMs: 300, permissiveClass: false });
    await apply(env, resourceObject("lessons", namespace, { bucket, userPoolId: pool.userPoolId, clientId: pool.clientId, className: "tenant-account" }));
  });

  afterAll(async () => {
    await operator.stop();
    tenantCredentials.destroy();
    restoreEnv();
    await kubectl(env, ["delete", "scbclass", "--all", "--wait=true"]);
  });

  it("secures the bucket in the role's account, where the distribution and the edge function are made", async () => {
    await kubectl(env, ["wait", "-n", namespace, "--for=condition=Ready", "scb/lessons", "--timeout=90s"]);
    status = JSON.parse(await kubectl(env, ["get", "-n", namespace, "scb/lessons", "-o", "jsonpath={.status}"])) as typeof status;
    const distributionId = status.distribution?.id ?? "";
    const inTenant = await tenant.cloudFront.send(new GetDistributionCommand({ Id: distributionId }));
    expect(inTenant.Distribution?.ARN).toContain(tenantAccount);
    await expect(own.cloudFront.send(new GetDistributionCommand({ Id: distributionId }))).rejects.toMatchObject({ name: "NoSuchDistribution" });
    const policy = (await tenant.s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy ?? "";
    expect(policy).toContain(status.distribution?.arn ?? "(no arn)");
    const edge = await tenant.lambda.send(new GetFunctionCommand({ FunctionName: status.edgeFunction?.name ?? "" }));
    expect(edge.Configuration?.Role).toContain(`${tenantAccount}:role/securedcontent-edge`);
    await expect(own.lambda.send(new GetFunctionCommand({ FunctionName: status.edgeFunction?.name ?? "" }))).rejects.toMatchObject({ name: "ResourceNotFoundException" });
  });

  it("deletes in the role's account too", async () => {
    await kubectl(env, ["delete", "-n", namespace, "scb/lessons", "--timeout=90s"]);
    await waitFor(
      async () =>
        tenant.cloudFront.send(new GetDistributionCommand({ Id: status.distribution?.id ?? "" })).then(
          () => undefined,
          (error: unknown) => ((error as { name?: string }).name === "NoSuchDistribution" ? true : undefined),
        ),
      { what: "the tenant account's distribution to be deleted", timeoutMs: 30_000, intervalMs: 200 },
    );
    await expect(tenant.s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).rejects.toMatchObject({ name: "NoSuchBucketPolicy" });
  });
});

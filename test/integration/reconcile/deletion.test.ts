// Deletion cases beyond the happy path: deletionPolicy Retain, and a resource deleted while CloudFront is
// still deploying its distribution.
import { CloudFrontClient, GetDistributionCommand, GetOriginAccessControlCommand } from "@aws-sdk/client-cloudfront";
import { GetBucketPolicyCommand, GetBucketTaggingCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEdgeRole, createPublicContentBucket } from "../../harness/aws-seed.ts";
import { seedUserPool, type SeededPool } from "../../harness/cognito.ts";
import { awsClientConfig } from "../../harness/env.ts";
import { kubectl } from "../../harness/kubectl.ts";
import { waitFor } from "../../harness/wait.ts";
import { installCrd } from "../api/kube.ts";
import { startTestOperator, useEmulator, type TestOperator } from "./operator.ts";

const namespace = "deletion";

describe("deletion", () => {
  const env = inject("harness");
  const s3 = new S3Client(awsClientConfig(env));
  const cloudFront = new CloudFrontClient(awsClientConfig(env));
  let restoreEnv: () => void;
  let operator: TestOperator;
  let pool: SeededPool;

  beforeAll(async () => {
    restoreEnv = useEmulator(env);
    await installCrd(env);
    await kubectl(env, ["create", "namespace", namespace]);
    pool = await seedUserPool(env, { poolName: "deletion", groups: ["paid-students"], users: [] });
    const edgeRoleArn = await createEdgeRole(env);
    operator = await startTestOperator(env, { edgeRoleArn, exposureResyncMs: 60_000, fullResyncMs: 60_000, deployingRequeueMs: 300 });
  });

  afterAll(async () => {
    await operator.stop();
    restoreEnv();
  });

  async function apply(name: string, bucket: string, deletionPolicy: "Delete" | "Retain"): Promise<void> {
    await createPublicContentBucket(env, bucket, [{ key: "a.txt", body: "a", contentType: "text/plain" }]);
    await kubectl(env, ["apply", "-f", "-"], {
      input: JSON.stringify({
        apiVersion: "securedcontent.io/v1alpha1",
        kind: "SecuredContentBucket",
        metadata: { name, namespace },
        spec: {
          bucket: { name: bucket, region: "us-east-1" },
          auth: { userPoolId: pool.userPoolId, clientIds: [pool.clientId], requiredGroups: ["paid-students"] },
          deletionPolicy,
        },
      }),
    });
  }

  async function statusOf(name: string): Promise<{ distribution?: { id: string; status: string }; originAccessControlId?: string }> {
    return JSON.parse((await kubectl(env, ["get", "-n", namespace, `scb/${name}`, "-o", "jsonpath={.status}"])) || "{}") as {
      distribution?: { id: string; status: string };
      originAccessControlId?: string;
    };
  }

  it("with Retain, leaves the distribution, OAC and policy in place and only releases the claim", async () => {
    await apply("kept", "kept-bucket", "Retain");
    await kubectl(env, ["wait", "-n", namespace, "--for=condition=Ready", "scb/kept", "--timeout=60s"]);
    const status = await statusOf("kept");
    await kubectl(env, ["delete", "-n", namespace, "scb/kept", "--timeout=60s"]);

    const distribution = await cloudFront.send(new GetDistributionCommand({ Id: status.distribution?.id ?? "" }));
    expect(distribution.Distribution?.DistributionConfig?.Enabled).toBe(true);
    await cloudFront.send(new GetOriginAccessControlCommand({ Id: status.originAccessControlId ?? "" }));
    const policy = (await s3.send(new GetBucketPolicyCommand({ Bucket: "kept-bucket" }))).Policy ?? "";
    expect(policy).toContain("cloudfront.amazonaws.com");
    const tags = (await s3.send(new GetBucketTaggingCommand({ Bucket: "kept-bucket" })).catch(() => ({ TagSet: [] }))).TagSet ?? [];
    expect(tags.find((t) => t.Key === "securedcontent.io/owner")).toBeUndefined();
  });

  it("deletes a resource whose distribution is still deploying, once CloudFront has finished", async () => {
    await apply("hasty", "hasty-bucket", "Delete");
    const status = await waitFor(async () => {
      const current = await statusOf("hasty");
      return current.distribution?.status === "InProgress" ? current : undefined;
    }, { what: "a distribution that is still deploying", timeoutMs: 30_000, intervalMs: 50 });
    await kubectl(env, ["delete", "-n", namespace, "scb/hasty", "--wait=false"]);
    await kubectl(env, ["wait", "-n", namespace, "--for=delete", "scb/hasty", "--timeout=60s"]);
    await expect(cloudFront.send(new GetDistributionCommand({ Id: status.distribution?.id ?? "" }))).rejects.toMatchObject({ name: "NoSuchDistribution" });
    await expect(s3.send(new GetBucketPolicyCommand({ Bucket: "hasty-bucket" }))).rejects.toMatchObject({ name: "NoSuchBucketPolicy" });
  });
});

// Deletion cases beyond the happy path: deletionPolicy Retain, and a resource deleted while CloudFront is
// still deploying its distribution.
import { CloudFrontClient, GetDistributionCommand, GetOriginAccessControlCommand, GetResponseHeadersPolicyCommand } from "@aws-sdk/client-cloudfront";
import { GetBucketPolicyCommand, GetBucketTaggingCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { awsClientConfig } from "../../harness/env.ts";
import { kubectl } from "../../harness/kubectl.ts";
import { waitFor } from "../../harness/wait.ts";
import { applyBucketResource, prepareLifecycle, type Lifecycle } from "./lifecycle-fixtures.ts";
import { startTestOperator, type TestOperator } from "./operator.ts";

const namespace = "deletion";

describe("deletion", () => {
  const env = inject("harness");
  const s3 = new S3Client(awsClientConfig(env));
  const cloudFront = new CloudFrontClient(awsClientConfig(env));
  let lifecycle: Lifecycle;
  let operator: TestOperator;

  beforeAll(async () => {
    lifecycle = await prepareLifecycle(env, namespace, "deletion");
    operator = await startTestOperator(env, { edgeRoleArn: lifecycle.edgeRoleArn, exposureResyncMs: 60_000, fullResyncMs: 60_000, deployingRequeueMs: 300 });
  });

  afterAll(async () => {
    await operator.stop();
    lifecycle.restore();
  });

  function apply(name: string, bucket: string, deletionPolicy: "Delete" | "Retain"): Promise<void> {
    return applyBucketResource(env, { name, namespace, bucket, pool: lifecycle.pool, deletionPolicy });
  }

  interface Observed {
    distribution?: { id: string; status: string };
    originAccessControlId?: string;
    responseHeadersPolicyId?: string;
  }

  async function statusOf(name: string): Promise<Observed> {
    return JSON.parse((await kubectl(env, ["get", "-n", namespace, `scb/${name}`, "-o", "jsonpath={.status}"])) || "{}") as Observed;
  }

  it("with Retain, leaves the distribution, OAC, response headers policy, bucket policy and the claim in place", async () => {
    await apply("kept", "kept-bucket", "Retain");
    await kubectl(env, ["wait", "-n", namespace, "--for=condition=Ready", "scb/kept", "--timeout=60s"]);
    const status = await statusOf("kept");
    await kubectl(env, ["delete", "-n", namespace, "scb/kept", "--timeout=60s"]);

    const distribution = await cloudFront.send(new GetDistributionCommand({ Id: status.distribution?.id ?? "" }));
    expect(distribution.Distribution?.DistributionConfig?.Enabled).toBe(true);
    await expect(cloudFront.send(new GetOriginAccessControlCommand({ Id: status.originAccessControlId ?? "" }))).resolves.toMatchObject({
      OriginAccessControl: { Id: status.originAccessControlId },
    });
    await expect(cloudFront.send(new GetResponseHeadersPolicyCommand({ Id: status.responseHeadersPolicyId ?? "" }))).resolves.toMatchObject({
      ResponseHeadersPolicy: { Id: status.responseHeadersPolicyId },
    });
    const policy = (await s3.send(new GetBucketPolicyCommand({ Bucket: "kept-bucket" }))).Policy ?? "";
    expect(policy).toContain("cloudfront.amazonaws.com");
    // The retained distribution still reads the bucket, so the bucket stays claimed until an administrator
    // releases it (test/integration/trust/retain-grant.test.ts follows a new claimant).
    const tags = (await s3.send(new GetBucketTaggingCommand({ Bucket: "kept-bucket" }))).TagSet ?? [];
    expect(tags.some((t) => t.Key === "securedcontent.io/owner")).toBe(true);
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
    // The response headers policy is shared with "kept", whose retained distribution still uses it: it stays.
    await expect(cloudFront.send(new GetResponseHeadersPolicyCommand({ Id: status.responseHeadersPolicyId ?? "" }))).resolves.toMatchObject({
      ResponseHeadersPolicy: { Id: status.responseHeadersPolicyId },
    });
    await expect(s3.send(new GetBucketPolicyCommand({ Bucket: "hasty-bucket" }))).rejects.toMatchObject({ name: "NoSuchBucketPolicy" });
  });
});

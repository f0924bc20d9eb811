// Status is a cache the operator writes, never an authority: anyone who may write the status subresource can put
// another distribution's id or ARN there. Here a distribution the operator does not own (the company website,
// created outside it) is named in a resource's status; the exposure pass must not grant it read, and deleting
// the resource must leave it untouched and say so.
import { CloudFrontClient, GetDistributionCommand } from "@aws-sdk/client-cloudfront";
import { GetBucketPolicyCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { awsClientConfig } from "../../harness/env.ts";
import { kubectl } from "../../harness/kubectl.ts";
import { waitFor } from "../../harness/wait.ts";
import { createDistribution, createLessonBucket, createOriginAccessControl, operatorDistributionConfig } from "../moto/fixtures.ts";
import { applyBucketResource, prepareLifecycle, type Lifecycle } from "../reconcile/lifecycle-fixtures.ts";
import { startTestOperator, type TestOperator } from "../reconcile/operator.ts";
import { scbStatus, warningsOf } from "./trust-fixtures.ts";

const namespace = "trust-status";

describe("a forged status", { concurrent: false, shuffle: false }, () => {
  const env = inject("harness");
  const s3 = new S3Client(awsClientConfig(env));
  const cloudFront = new CloudFrontClient(awsClientConfig(env));
  let lifecycle: Lifecycle;
  let operator: TestOperator;
  let website: { id: string; arn: string };

  beforeAll(async () => {
    lifecycle = await prepareLifecycle(env, namespace, "trust-status");
    operator = await startTestOperator(env, { edgeRoleArn: lifecycle.edgeRoleArn, exposureResyncMs: 60_000, fullResyncMs: 600_000, deployingRequeueMs: 300 });
    // The company website: a distribution made by someone else (its own caller reference), in front of its own bucket.
    await createLessonBucket(s3, "company-website");
    const oac = await createOriginAccessControl(cloudFront, "company-website-oac");
    website = await createDistribution(cloudFront, operatorDistributionConfig({ callerReference: "terraform-www-2019", bucket: "company-website", originAccessControlId: oac.id }));
  });

  afterAll(async () => {
    await operator.stop();
    lifecycle.restore();
  });

  async function forgeStatus(name: string): Promise<void> {
    const forged = { status: { distribution: { id: website.id, arn: website.arn } } };
    await kubectl(env, ["patch", "-n", namespace, `scb/${name}`, "--subresource=status", "--type=merge", "-p", JSON.stringify(forged)]);
  }

  /** Status-only changes do not wake the operator; an annotation does, as any later edit would. */
  async function nudge(name: string, value: string): Promise<void> {
    await kubectl(env, ["annotate", "--overwrite", "-n", namespace, `scb/${name}`, `test.securedcontent.io/nudge=${value}`]);
  }

  it("never grants a forged distribution ARN read on the bucket, and writes status back from AWS", async () => {
    await applyBucketResource(env, { name: "granted", namespace, bucket: "trust-granted-bucket", pool: lifecycle.pool });
    await kubectl(env, ["wait", "-n", namespace, "--for=condition=Ready", "scb/granted", "--timeout=60s"]);
    const own = (await scbStatus(env, namespace, "granted")).distribution;
    await forgeStatus("granted");
    await nudge("granted", "1");
    // The next reconcile finds status naming something it did not verify: it reads AWS again and corrects status.
    await waitFor(async () => ((await scbStatus(env, namespace, "granted")).distribution?.arn === own?.arn ? true : undefined), {
      what: "status to name the resource's own distribution again",
      timeoutMs: 20_000,
      intervalMs: 200,
    });
    const policy = (await s3.send(new GetBucketPolicyCommand({ Bucket: "trust-granted-bucket" }))).Policy ?? "";
    expect(policy).toContain(own?.arn);
    expect(policy).not.toContain(website.arn);
    const warnings = await warningsOf(env, `${namespace}/granted`, "StatusNotTrusted");
    expect(warnings.map((event) => event.reason)).toContain("StatusNotTrusted");
    expect(warnings.map((event) => event.message).join("\n")).not.toContain(website.id);
  });

  it("deleting the resource leaves a distribution its status was forged to name untouched, and reports it", async () => {
    await applyBucketResource(env, { name: "victim", namespace, bucket: "trust-victim-bucket", pool: lifecycle.pool });
    await kubectl(env, ["wait", "-n", namespace, "--for=condition=Ready", "scb/victim", "--timeout=60s"]);
    const own = (await scbStatus(env, namespace, "victim")).distribution;
    await forgeStatus("victim");
    await kubectl(env, ["delete", "-n", namespace, "scb/victim", "--timeout=90s"]);

    const after = await cloudFront.send(new GetDistributionCommand({ Id: website.id }));
    expect(after.Distribution?.DistributionConfig?.Enabled).toBe(true);
    expect(after.Distribution?.DistributionConfig?.DefaultCacheBehavior?.LambdaFunctionAssociations?.Quantity).toBe(1);
    // The resource's own distribution, found by its caller reference, is what was deleted.
    await expect(cloudFront.send(new GetDistributionCommand({ Id: own?.id ?? "" }))).rejects.toMatchObject({ name: "NoSuchDistribution" });
    const warnings = await warningsOf(env, `${namespace}/victim`, "DistributionNotOwned");
    expect(warnings.map((event) => event.reason)).toContain("DistributionNotOwned");
    expect(warnings.map((event) => event.message).join("\n")).not.toContain(website.id);
  });
});

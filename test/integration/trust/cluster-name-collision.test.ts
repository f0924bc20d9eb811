// Two clusters share an AWS account and a CLUSTER_NAME (a dev cluster made from the same overlay, say), and each
// has a SecuredContentBucket "courses" in namespace "trust-twins". Here they are two operators with the same
// CLUSTER_NAME and different cluster uids (what each reads from its kube-system namespace) against one emulator:
// cluster A's resource is made and left running (its Kubernetes object is removed without the operator, as if it
// lived in the other cluster), then cluster B's resource of the same namespace and name appears. B must not take
// A's claim, grant, edge function or origin access control; with a bucket of its own, it makes its own.
import { CloudFrontClient, GetDistributionCommand } from "@aws-sdk/client-cloudfront";
import { GetFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { GetBucketPolicyCommand, GetBucketTaggingCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { awsClientConfig } from "../../harness/env.ts";
import { kubectl } from "../../harness/kubectl.ts";
import { applyBucketResource, prepareLifecycle, type Lifecycle } from "../reconcile/lifecycle-fixtures.ts";
import { startTestOperator, type TestOperator, type TestOperatorOptions } from "../reconcile/operator.ts";
import { applyOverExistingBucket, conditionOf, scbStatus, type ScbStatus } from "./trust-fixtures.ts";

const namespace = "trust-twins";
const clusterA = "0c9d7a52-1f6e-4b8a-9e21-5a4f3c2b1a0a";
const clusterB = "0c9d7a52-1f6e-4b8a-9e21-5a4f3c2b1a0b";

describe("two clusters with one CLUSTER_NAME in one account", { concurrent: false, shuffle: false }, () => {
  const env = inject("harness");
  const s3 = new S3Client(awsClientConfig(env));
  const cloudFront = new CloudFrontClient(awsClientConfig(env));
  const lambda = new LambdaClient(awsClientConfig(env));
  let lifecycle: Lifecycle;
  let operatorB: TestOperator | undefined;
  let fromA: ScbStatus & { readonly uid: string };
  let claimOfA: string | undefined;

  const options = (clusterUid: string): TestOperatorOptions => ({
    edgeRoleArn: lifecycle.edgeRoleArn,
    exposureResyncMs: 60_000,
    fullResyncMs: 600_000,
    deployingRequeueMs: 300,
    clusterName: "twin",
    clusterUid,
    watchNamespace: namespace,
  });

  beforeAll(async () => {
    lifecycle = await prepareLifecycle(env, namespace, "trust-twins");
  });

  afterAll(async () => {
    await operatorB?.stop();
    lifecycle.restore();
    s3.destroy();
  });

  async function claimOn(bucket: string): Promise<string | undefined> {
    // Read twice: the emulator, like S3, may show the tag set as it was before the last write once.
    await s3.send(new GetBucketTaggingCommand({ Bucket: bucket })).catch(() => undefined);
    return ((await s3.send(new GetBucketTaggingCommand({ Bucket: bucket }))).TagSet ?? []).find((t) => t.Key === "securedcontent.io/owner")?.Value;
  }

  async function functionTags(name: string): Promise<Record<string, string>> {
    return (await lambda.send(new GetFunctionCommand({ FunctionName: name }))).Tags ?? {};
  }

  it("cluster A secures its bucket, and its resource then lives on only in AWS", async () => {
    const operatorA = await startTestOperator(env, options(clusterA));
    try {
      await applyBucketResource(env, { name: "courses", namespace, bucket: "twin-a-content", pool: lifecycle.pool });
      await kubectl(env, ["wait", "-n", namespace, "--for=condition=Ready", "scb/courses", "--timeout=60s"]);
      const uid = (await kubectl(env, ["get", "-n", namespace, "scb/courses", "-o", "jsonpath={.metadata.uid}"])).trim();
      fromA = { ...(await scbStatus(env, namespace, "courses")), uid };
    } finally {
      await operatorA.stop();
    }
    // Cluster A keeps running elsewhere: here its object goes away without its operator retiring anything.
    await kubectl(env, ["patch", "-n", namespace, "scb/courses", "--type=merge", "-p", '{"metadata":{"finalizers":null}}']);
    await kubectl(env, ["delete", "-n", namespace, "scb/courses", "--timeout=30s"]);
    claimOfA = await claimOn("twin-a-content");
    expect(claimOfA).toBeDefined();
  });

  it("cluster B's resource of the same namespace and name does not take A's claim or grant", async () => {
    operatorB = await startTestOperator(env, options(clusterB));
    await applyOverExistingBucket(env, { object: `${namespace}/courses`, bucket: "twin-a-content", pool: lifecycle.pool });
    await kubectl(env, ["wait", "-n", namespace, "--for=condition=Stalled", "scb/courses", "--timeout=30s"]);
    expect(conditionOf(await scbStatus(env, namespace, "courses"), "Stalled")?.reason).toBe("OwnershipConflict");
    expect(await claimOn("twin-a-content")).toBe(claimOfA);
    const policy = (await s3.send(new GetBucketPolicyCommand({ Bucket: "twin-a-content" }))).Policy ?? "";
    expect(policy).toContain(fromA.distribution?.arn);
    expect((JSON.parse(policy) as { Statement: unknown[] }).Statement).toHaveLength(1);
    // A's edge function still carries A's tags, and no one marked it for deletion.
    const tags = await functionTags(fromA.edgeFunction?.name ?? "");
    expect(tags["securedcontent.io/uid"]).toBe(fromA.uid);
    expect(tags["securedcontent.io/pending-deletion"]).toBeUndefined();
    await kubectl(env, ["delete", "-n", namespace, "scb/courses", "--timeout=60s"]);
    expect(await claimOn("twin-a-content")).toBe(claimOfA);
  });

  it("with a bucket of its own, cluster B makes its own edge function and OAC and leaves A's alone", async () => {
    await applyBucketResource(env, { name: "courses", namespace, bucket: "twin-b-content", pool: lifecycle.pool });
    await kubectl(env, ["wait", "-n", namespace, "--for=condition=Ready", "scb/courses", "--timeout=60s"]);
    const fromB = await scbStatus(env, namespace, "courses");
    const [functionA = "", functionB = ""] = [fromA.edgeFunction?.name, fromB.edgeFunction?.name];
    expect(functionB).not.toBe(functionA);
    expect(fromB.originAccessControlId).not.toBe(fromA.originAccessControlId);
    expect(fromB.distribution?.id).not.toBe(fromA.distribution?.id);
    expect(await functionTags(functionA)).toMatchObject({ "securedcontent.io/uid": fromA.uid, "securedcontent.io/cluster-uid": clusterA });
    expect((await functionTags(functionB))["securedcontent.io/cluster-uid"]).toBe(clusterB);
    // A's distribution still runs A's function, in front of A's bucket.
    const configA = (await cloudFront.send(new GetDistributionCommand({ Id: fromA.distribution?.id ?? "" }))).Distribution?.DistributionConfig;
    expect(configA?.DefaultCacheBehavior?.LambdaFunctionAssociations?.Items?.map((item) => item.LambdaFunctionARN ?? "")).toEqual([expect.stringContaining(functionA)]);
    expect(await claimOn("twin-a-content")).toBe(claimOfA);
  });
});

// The operator's lifecycle with IAM enforced: the operator signs as an IAM user of the emulator whose only
// policy is deploy/iam/operator-policy.json, and the emulator authorizes every call under the real IAM action
// names, including what CloudFront checks on the operator's behalf (test/harness/moto/patches: iam_enforcement,
// cloudfront_caller_permissions). Then, statement by statement, the same policy with that statement removed
// makes a named step fail with the refusal AWS gives.
// Last, deploy/iam/operator-policy-scoped.json as far as the emulator can enforce it (its resource scoping, not
// its tag conditions): a bucket inside its prefix goes through the lifecycle, one outside is refused.
// The cases run in order: the lifecycle follows one resource from creation to the sweeper, the coverage check
// reads the decisions it caused, and each removal case starts from a policy restored by the one before.
import { CloudFrontClient, GetDistributionConfigCommand, GetOriginAccessControlCommand, UpdateOriginAccessControlCommand } from "@aws-sdk/client-cloudfront";
import { DeleteServiceLinkedRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { GetFunctionCommand, LambdaClient, TagResourceCommand, UpdateFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import { CreateBucketCommand, GetBucketPolicyCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { isAwsError } from "../../../src/aws/errors.ts";
import { iamActionsFor } from "../../../src/aws/iam-actions.ts";
import { createCloudFrontWebAcl, createEdgeRole, createPublicContentBucket } from "../../harness/aws-seed.ts";
import { seedUserPool, type SeededPool } from "../../harness/cognito.ts";
import { awsClientConfig } from "../../harness/env.ts";
import { createIamUser, setUserPolicy, type IamUser, type PolicyDocument } from "../../harness/iam.ts";
import { kubectl } from "../../harness/kubectl.ts";
import { iamDecisions, setIamEnforcement, setMotoTransition, unsetMotoTransition, type IamDecision } from "../../harness/moto.ts";
import { waitFor } from "../../harness/wait.ts";
import { installCrd } from "../api/kube.ts";
import { scopedPolicyForEmulator, shippedPolicy, startOperatorAs, withoutAction, withoutStatement, type OperatorAs } from "./operator-as.ts";

const namespace = "iam-enforced";
const replicaModel = "lambda::edge-replica";
const lingerSeconds = 2;
const logBucket = "iam-courses-cloudfront-logs";

interface Condition {
  readonly type: string;
  readonly status: string;
  readonly reason: string;
  readonly message: string;
}

interface Stored {
  metadata: { generation: number; finalizers?: string[] };
  status?: {
    observedGeneration?: number;
    originAccessControlId?: string;
    distribution?: { id: string };
    edgeFunction?: { name: string; arn: string; version: string };
    conditions?: Condition[];
  };
}

/** What status records, each field "" until it is there. */
function recorded(stored: Stored) {
  const status = stored.status ?? {};
  const fn = status.edgeFunction ?? { name: "", arn: "", version: "" };
  return { distributionId: status.distribution?.id ?? "", oacId: status.originAccessControlId ?? "", fn, versionArn: `${fn.arn}:${fn.version}` };
}

/** The viewer-request associations of a distribution's default behaviour, as function version ARNs. */
async function associations(cloudFront: CloudFrontClient, distributionId: string) {
  const config = (await cloudFront.send(new GetDistributionConfigCommand({ Id: distributionId }))).DistributionConfig;
  return { config, functions: (config?.DefaultCacheBehavior?.LambdaFunctionAssociations?.Items ?? []).map((item) => item.LambdaFunctionARN) };
}

/** Matches an IAM action pattern with its wildcards, as a grant would. */
function covers(pattern: string, action: string): boolean {
  const regex = pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*");
  return new RegExp(`^${regex}$`, "i").test(action);
}

describe("the operator under IAM enforcement, with deploy/iam/operator-policy.json only", { concurrent: false, shuffle: false }, () => {
  const env = inject("harness");
  const s3 = new S3Client(awsClientConfig(env));
  const cloudFront = new CloudFrontClient(awsClientConfig(env));
  const lambda = new LambdaClient(awsClientConfig(env));
  const iam = new IAMClient(awsClientConfig(env));
  let pool: SeededPool;
  let user: IamUser;
  let webAclArn: string;
  let operator: OperatorAs;
  let restoreEnv: (() => void) | undefined;

  const shipped = (): PolicyDocument => shippedPolicy();
  const usePolicy = (policy: PolicyDocument) => setUserPolicy(env, user.userName, policy);
  const get = async (name: string): Promise<Stored> => JSON.parse(await kubectl(env, ["get", "-n", namespace, `scb/${name}`, "-o", "json"])) as Stored;
  const condition = (stored: Stored, type: string) => stored.status?.conditions?.find((c) => c.type === type);

  function apply(name: string, bucket: string, groups: readonly string[], distribution: Record<string, unknown> = {}): Promise<string> {
    return kubectl(env, ["apply", "-f", "-"], {
      input: JSON.stringify({
        apiVersion: "securedcontent.io/v1alpha1",
        kind: "SecuredContentBucket",
        metadata: { name, namespace },
        spec: {
          bucket: { name: bucket, region: "us-east-1" },
          auth: { userPoolId: pool.userPoolId, clientIds: [pool.clientId], requiredGroups: groups },
          distribution,
          deletionPolicy: "Delete",
        },
      }),
    });
  }

  function readyForGeneration(name: string, timeoutMs = 30_000): Promise<Stored> {
    return waitFor(
      async () => {
        const stored = await get(name);
        const stalled = condition(stored, "Stalled");
        if (stalled?.status === "True") throw new Error(`${name} stalled: ${stalled.reason}: ${stalled.message}`);
        return condition(stored, "Ready")?.status === "True" && stored.status?.observedGeneration === stored.metadata.generation ? stored : undefined;
      },
      { what: `${name} to be Ready for its generation`, timeoutMs, intervalMs: 100 },
    );
  }

  function stalled(name: string, timeoutMs = 20_000): Promise<Condition> {
    return waitFor(
      async () => {
        const found = condition(await get(name), "Stalled");
        return found?.status === "True" ? found : undefined;
      },
      { what: `${name} to be Stalled`, timeoutMs, intervalMs: 100 },
    );
  }

  async function deleteAndWait(name: string, timeout = "30s"): Promise<void> {
    await kubectl(env, ["delete", "-n", namespace, `scb/${name}`, "--wait=false"]);
    await kubectl(env, ["wait", "-n", namespace, "--for=delete", `scb/${name}`, `--timeout=${timeout}`]);
  }

  /**
   * Deletes a resource a removal case made, with the whole policy back. If that does not finish quickly (a
   * grant the deletion needs is missing from the shipped policy: the lifecycle's own steps report that), the
   * finalizer is dropped so that one missing grant fails the cases that need it, not every case after it.
   */
  async function cleanUp(name: string): Promise<void> {
    try {
      await deleteAndWait(name, "15s");
    } catch {
      await kubectl(env, ["patch", "-n", namespace, `scb/${name}`, "--type=merge", "-p", JSON.stringify({ metadata: { finalizers: null } })]).catch(() => undefined);
    }
  }

  beforeAll(async () => {
    await installCrd(env);
    await kubectl(env, ["create", "namespace", namespace]);
    pool = await seedUserPool(env, { poolName: "iam", groups: ["paid-students", "staff"], users: [] });
    const edgeRoleArn = await createEdgeRole(env);
    await createPublicContentBucket(env, "iam-courses-content", [{ key: "videos/lesson-1.mp4", body: "not really a video", contentType: "video/mp4" }]);
    await s3.send(new CreateBucketCommand({ Bucket: logBucket }));
    await s3.send(new CreateBucketCommand({ Bucket: "iam-unrecorded-content" }));
    for (let i = 1; i <= 12; i += 1) await s3.send(new CreateBucketCommand({ Bucket: `iam-removal-${String(i)}` }));
    webAclArn = await createCloudFrontWebAcl(env, "iam-courses");
    user = await createIamUser(env, "securedcontent-operator", shipped());
    await setMotoTransition(env.awsEndpoint, replicaModel, { progression: "time", seconds: lingerSeconds });
    await setIamEnforcement(env.awsEndpoint, true);
    ({ operator, restore: restoreEnv } = await startOperatorAs(env, user, { edgeRoleArn, exposureResyncMs: 60_000, fullResyncMs: 60_000, deployingRequeueMs: 300 }));
  });

  afterAll(async () => {
    await (operator as OperatorAs | undefined)?.stop();
    restoreEnv?.();
    await setIamEnforcement(env.awsEndpoint, false);
    await unsetMotoTransition(env.awsEndpoint, replicaModel);
    for (const client of [s3, cloudFront, lambda, iam]) client.destroy();
  });

  describe("the lifecycle with the shipped policy", () => {
    it("reaches Ready: bucket claimed and private, OAC, edge function, distribution with a web ACL and standard logging", async () => {
      await apply("courses", "iam-courses-content", ["paid-students"], { webAclArn, logging: { bucket: logBucket, prefix: "courses/" } });
      const stored = recorded(await readyForGeneration("courses"));
      const { config, functions } = await associations(cloudFront, stored.distributionId);
      expect(config?.WebACLId).toBe(webAclArn);
      expect(config?.Logging).toMatchObject({ Enabled: true, Bucket: `${logBucket}.s3.amazonaws.com` });
      expect(functions).toEqual([stored.versionArn]);
    });

    it("puts back drift it may only correct with UntagResource and UpdateOriginAccessControl", async () => {
      const { fn, oacId } = recorded(await get("courses"));
      const functionName = fn.name;
      await lambda.send(new TagResourceCommand({ Resource: fn.arn, Tags: { "securedcontent.io/pending-deletion": "2026-01-01" } }));
      const oac = await cloudFront.send(new GetOriginAccessControlCommand({ Id: oacId }));
      const oacName = oac.OriginAccessControl?.OriginAccessControlConfig?.Name ?? "";
      await cloudFront.send(new UpdateOriginAccessControlCommand({
        Id: oacId,
        IfMatch: oac.ETag,
        OriginAccessControlConfig: { Name: oacName, Description: "", SigningProtocol: "sigv4", OriginAccessControlOriginType: "s3", SigningBehavior: "no-override" },
      }));
      operator.advanceClock(120_000);
      operator.manager.controller.queue.add(`${namespace}/courses`);
      await waitFor(
        async () => {
          const tags = (await lambda.send(new GetFunctionCommand({ FunctionName: functionName }))).Tags ?? {};
          const signing = (await cloudFront.send(new GetOriginAccessControlCommand({ Id: oacId }))).OriginAccessControl?.OriginAccessControlConfig?.SigningBehavior;
          if ("securedcontent.io/pending-deletion" in tags || signing !== "always") throw new Error(`tags ${JSON.stringify(tags)}, signing ${String(signing)}`);
          return true;
        },
        { what: "the function's tags and the OAC's signing put back", timeoutMs: 20_000, intervalMs: 200 },
      );
      await readyForGeneration("courses");
    });

    it("follows a requiredGroups change from a drifted $LATEST: settings restored (UpdateFunctionConfiguration passes the edge role), a new version associated in place of the old one", async () => {
      const before = recorded(await get("courses")).fn;
      await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: before.name, Timeout: 3 }));
      await kubectl(env, ["patch", "-n", namespace, "scb/courses", "--type=merge", "-p", JSON.stringify({ spec: { auth: { requiredGroups: ["paid-students", "staff"] } } })]);
      const after = recorded(await readyForGeneration("courses"));
      expect(Number(after.fn.version)).toBeGreaterThan(Number(before.version));
      const published = await lambda.send(new GetFunctionCommand({ FunctionName: after.fn.name, Qualifier: after.fn.version }));
      expect(published.Configuration?.Timeout).toBe(5);
      expect((await associations(cloudFront, after.distributionId)).functions).toEqual([after.versionArn]);
    });

    it("deletes: the finalizer goes, the bucket policy statement with it, and the edge function is left marked for the sweeper", async () => {
      const { fn } = recorded(await get("courses"));
      await deleteAndWait("courses");
      await expect(s3.send(new GetBucketPolicyCommand({ Bucket: "iam-courses-content" }))).rejects.toMatchObject({ name: "NoSuchBucketPolicy" });
      const marked = await lambda.send(new GetFunctionCommand({ FunctionName: fn.name }));
      expect(Object.keys(marked.Tags ?? {})).toContain("securedcontent.io/pending-deletion");
    });

    it("sweeps: Lambda refuses while the replicas linger, and the sweeper deletes the function once they are gone", async () => {
      const first = await operator.sweeper.sweepOnce();
      expect(first.deleted).toEqual([]);
      expect(first.deferred).toHaveLength(1);
      const name = first.deferred[0]?.name ?? "";
      const deleted = await waitFor(
        async () => ((await operator.sweeper.sweepOnce()).deleted.includes(name) ? true : undefined),
        { what: `the sweeper to delete ${name}`, timeoutMs: (lingerSeconds + 5) * 1000, intervalMs: 250 },
      );
      expect(deleted).toBe(true);
      await expect(lambda.send(new GetFunctionCommand({ FunctionName: name }))).rejects.toMatchObject({ name: "ResourceNotFoundException" });
    });

    it("deletes a resource whose status lost its distribution (as after a crash before the status write), finding it by listing", async () => {
      await apply("unrecorded", "iam-unrecorded-content", ["staff"]);
      const { distributionId } = recorded(await readyForGeneration("unrecorded"));
      await kubectl(env, ["patch", "-n", namespace, "scb/unrecorded", "--subresource=status", "--type=json", "-p", JSON.stringify([{ op: "remove", path: "/status/distribution" }])]);
      await deleteAndWait("unrecorded");
      await expect(cloudFront.send(new GetDistributionConfigCommand({ Id: distributionId }))).rejects.toMatchObject({ name: "NoSuchDistribution" });
    });

    it("was refused nothing", async () => {
      const decisions = await iamDecisions(env.awsEndpoint);
      expect(decisions.length).toBeGreaterThan(50);
      expect(decisions.filter((d) => d.decision !== "allow").map((d) => `${d.action} on ${d.resource}`)).toEqual([]);
    });
  });

  describe("each statement removed makes a named step fail", () => {
    let counter = 0;

    /**
     * Applies a new resource under the reduced policy and expects it Stalled; returns the Stalled condition and
     * the refusals the emulator decided meanwhile. Then restores the policy and deletes the resource.
     */
    async function stallsWithout(policy: PolicyDocument, distribution: Record<string, unknown> = {}): Promise<Condition & { refusals: IamDecision[] }> {
      counter += 1;
      const name = `removal-${String(counter)}`;
      const before = (await iamDecisions(env.awsEndpoint)).length;
      await usePolicy(policy);
      try {
        await apply(name, `iam-removal-${String(counter)}`, ["paid-students"], distribution);
        const refused = await stalled(name);
        const refusals = (await iamDecisions(env.awsEndpoint)).slice(before).filter((d) => d.decision !== "allow");
        return { ...refused, refusals };
      } finally {
        await usePolicy(shipped());
        await cleanUp(name);
      }
    }

    it("SecureClaimedBuckets: claiming the bucket fails, AccessDenied for s3:GetBucketTagging", async () => {
      const refused = await stallsWithout(withoutStatement("SecureClaimedBuckets"));
      expect(refused.reason).toBe("AccessDenied");
      expect(refused.message).toMatch(/^access denied for s3:GetBucketTagging: User: .* is not authorized to perform: s3:GetBucketTagging on resource: "arn:aws:s3:::iam-removal-\d+"/);
    });

    it("ManageDistributionsAndOriginAccess: finding or creating the origin access control fails, AccessDenied for cloudfront:*OriginAccessControl*", async () => {
      const refused = await stallsWithout(withoutStatement("ManageDistributionsAndOriginAccess"));
      expect(refused.reason).toBe("AccessDenied");
      // Reading the cluster's shared one, listing, or creating, depending on what the operator already knows.
      expect(refused.message).toMatch(/^access denied for cloudfront:(Get|List|Create)OriginAccessControls?: /);
    });

    it("ManageResponseHeadersPolicies: finding or creating the response headers policy fails, AccessDenied for cloudfront:*ResponseHeadersPolic*", async () => {
      const refused = await stallsWithout(withoutStatement("ManageResponseHeadersPolicies"));
      expect(refused.reason).toBe("AccessDenied");
      expect(refused.message).toMatch(/^access denied for cloudfront:(Get|List|Create)ResponseHeadersPolic(y|ies): /);
    });

    it("ManageEdgeFunctions: reading the edge function fails, AccessDenied for lambda:GetFunction on scb-edge-*", async () => {
      const refused = await stallsWithout(withoutStatement("ManageEdgeFunctions"));
      expect(refused.reason).toBe("AccessDenied");
      expect(refused.message).toMatch(/^access denied for lambda:GetFunction: .* on resource: arn:aws:lambda:us-east-1:123456789012:function:scb-edge-/);
    });

    it("PassOnlyTheEdgeRole: creating the edge function fails, AccessDenied for iam:PassRole on securedcontent-edge", async () => {
      const refused = await stallsWithout(withoutStatement("PassOnlyTheEdgeRole"));
      expect(refused.reason).toBe("AccessDenied");
      expect(refused.message).toMatch(/^access denied for lambda:CreateFunction and iam:PassRole: .* not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role\/securedcontent-edge/);
    });

    it("CloudFrontReplicatesAssociatedVersions: creating the distribution fails, AccessDenied naming lambda:EnableReplication*", async () => {
      const refused = await stallsWithout(withoutStatement("CloudFrontReplicatesAssociatedVersions"));
      expect(refused.reason).toBe("AccessDenied");
      expect(refused.message).toMatch(/^access denied for lambda:EnableReplication\*, which cloudfront checks on the caller's behalf/);
      expect(refused.message).toContain("Lambda@Edge cannot enable replication for the specified Lambda function. Update the IAM policy to add permission: lambda:EnableReplication*");
    });

    it("CloudFrontReplicatesEdgeFunctions: with no replicator role yet, creating the distribution fails, AccessDenied for the service-linked role", async () => {
      await iam.send(new DeleteServiceLinkedRoleCommand({ RoleName: "AWSServiceRoleForLambdaReplicator" }));
      const refused = await stallsWithout(withoutStatement("CloudFrontReplicatesEdgeFunctions"));
      expect(refused.reason).toBe("AccessDenied");
      expect(refused.message).toMatch(/^access denied for iam:CreateServiceLinkedRole, /);
      expect(refused.message).toContain("The user is not authorized to create or assume a service linked role.");
      expect(refused.refusals).toContainEqual(expect.objectContaining({
        action: "iam:CreateServiceLinkedRole",
        resource: "arn:aws:iam::123456789012:role/aws-service-role/replicator.lambda.amazonaws.com/AWSServiceRoleForLambdaReplicator",
      }));
    });

    it("CloudFrontLogsEdgeFunctionErrors: with no logger role yet, creating the distribution fails, AccessDenied for the service-linked role", async () => {
      await iam.send(new DeleteServiceLinkedRoleCommand({ RoleName: "AWSServiceRoleForCloudFrontLogger" })).catch(() => undefined);
      const refused = await stallsWithout(withoutStatement("CloudFrontLogsEdgeFunctionErrors"));
      expect(refused.reason).toBe("AccessDenied");
      expect(refused.refusals).toContainEqual(expect.objectContaining({
        action: "iam:CreateServiceLinkedRole",
        resource: "arn:aws:iam::123456789012:role/aws-service-role/logger.cloudfront.amazonaws.com/AWSServiceRoleForCloudFrontLogger",
      }));
    });

    it("CloudFrontReadsTheWebAcl: a distribution with spec.distribution.webAclArn fails, AccessDenied naming wafv2:GetWebACL", async () => {
      const refused = await stallsWithout(withoutStatement("CloudFrontReadsTheWebAcl"), { webAclArn });
      expect(refused.reason).toBe("AccessDenied");
      expect(refused.message).toMatch(/^access denied for wafv2:GetWebACL, /);
      expect(refused.refusals).toContainEqual(expect.objectContaining({ action: "wafv2:GetWebACL", resource: webAclArn }));
    });

    it("CloudFrontGrantsLogDelivery: a distribution with spec.distribution.logging fails, AccessDenied for the log bucket's ACL", async () => {
      const refused = await stallsWithout(withoutStatement("CloudFrontGrantsLogDelivery"), { logging: { bucket: logBucket } });
      expect(refused.reason).toBe("AccessDenied");
      expect(refused.message).toMatch(/^access denied for s3:GetBucketAcl and s3:PutBucketAcl, /);
      expect(refused.message).toContain("you need s3:GetBucketAcl and s3:PutBucketAcl permissions");
      expect(refused.refusals).toContainEqual(expect.objectContaining({ action: "s3:GetBucketAcl", resource: `arn:aws:s3:::${logBucket}` }));
    });

    it("FindEdgeFunctionsToSweep: the sweeper's listing fails, AccessDenied for lambda:ListFunctions", async () => {
      await usePolicy(withoutStatement("FindEdgeFunctionsToSweep"));
      try {
        const failure = await operator.sweeper.sweepOnce().then(() => undefined, (error: unknown) => error);
        expect(isAwsError(failure, "AccessDenied")).toBe(true);
        expect(failure).toMatchObject({ iamAction: "lambda:ListFunctions", awsCode: "AccessDeniedException" });
      } finally {
        await usePolicy(shipped());
      }
    });

    it("lambda:DisableReplication* alone (in CloudFrontReplicatesAssociatedVersions): a requiredGroups change fails, AccessDenied naming it", async () => {
      counter += 1;
      const name = `removal-${String(counter)}`;
      await apply(name, `iam-removal-${String(counter)}`, ["paid-students"]);
      await readyForGeneration(name);
      await usePolicy(withoutAction("lambda:DisableReplication*"));
      try {
        await kubectl(env, ["patch", "-n", namespace, `scb/${name}`, "--type=merge", "-p", JSON.stringify({ spec: { auth: { requiredGroups: ["staff"] } } })]);
        const refused = await stalled(name);
        expect(refused.reason).toBe("AccessDenied");
        expect(refused.message).toMatch(/^access denied for lambda:DisableReplication\*, /);
        expect(refused.message).toContain("Lambda@Edge cannot disable replication for the specified Lambda function. Update the IAM policy to add permission: lambda:DisableReplication*");
      } finally {
        await usePolicy(shipped());
        await cleanUp(name);
      }
    });
  });

  it("src/aws/iam-actions.ts names the actions AWS checks for each CloudFront and Lambda operation the operator sent", async () => {
    const checked = new Map<string, Set<string>>();
    for (const d of await iamDecisions(env.awsEndpoint)) {
      if (d.service === "s3" || d.operation === "on the caller's behalf") continue;
      const key = `${d.service}:${d.operation}`;
      checked.set(key, (checked.get(key) ?? new Set()).add(d.action));
    }
    const differences = [...checked].flatMap(([key, actions]) => {
      const [service = "", operation = ""] = key.split(":");
      const named = new Set(iamActionsFor(service, operation));
      return [...actions].sort().join() === [...named].sort().join() ? [] : [`${key}: AWS checks ${[...actions].sort().join(", ")}; the table says ${[...named].sort().join(", ")}`];
    });
    expect(checked.size).toBeGreaterThan(15);
    expect(differences).toEqual([]);
  });

  it("needed every action the policy grants: each was checked in a step above and allowed by the statement that holds it", async () => {
    const allowed = (await iamDecisions(env.awsEndpoint)).filter((d) => d.decision === "allow");
    // GetFunctionConfiguration is only sent while a function is Pending or updating, which on AWS is after
    // every create and update and in the emulator never: the unit test in test/unit/reconcile/iam-policy.test.ts
    // holds that grant to the code that sends it.
    // PutRuntimeManagementConfig is only sent when someone changed the function's runtime updates from Auto; the
    // edge-function step test changes it and sees it put back.
    // sts:AssumeRole is only sent for a class that names a role (test/integration/tenancy/several-accounts.test.ts).
    // UpdateResponseHeadersPolicy is only sent when the spec's CORS changes or someone edits the policy; the
    // response-headers-policy step test does both. ListConflictingAliases is only sent before an alias is added,
    // and no resource here has one; the alias test (test/integration/trust/alias-overlap.test.ts) sends it.
    const neverSentHere = new Set([
      "lambda:GetFunctionConfiguration",
      "lambda:PutRuntimeManagementConfig",
      "cloudfront:UpdateResponseHeadersPolicy",
      "cloudfront:ListConflictingAliases",
      "sts:AssumeRole",
    ]);
    const unused = shippedPolicy().Statement.flatMap((statement) =>
      statement.Action.filter((action) => !neverSentHere.has(action))
        .filter((action) => !allowed.some((d) => d.statement === statement.Sid && covers(action, d.action)))
        .map((action) => `${statement.Sid}: ${action}`),
    );
    expect(unused).toEqual([]);
  });

  describe("the scoped policy, deploy/iam/operator-policy-scoped.json, with its resource scoping enforced", () => {
    const bucketPrefix = "iam-scoped-";
    const scoped = scopedPolicyForEmulator({ bucketPrefix, clusterName: "test" });

    beforeAll(async () => {
      for (const bucket of [`${bucketPrefix}courses`, "iam-outside-prefix"]) await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await usePolicy(scoped.policy);
    });

    afterAll(async () => {
      await usePolicy(shipped());
    });

    it("is enforced here without its tag conditions, which the emulator cannot evaluate (deploy/iam/README.md says so)", () => {
      expect(scoped.untested.sort()).toEqual([
        "ChangeThisClustersEdgeFunctions",
        "CreateDistributionsTaggedForThisCluster",
        "CreateEdgeFunctionsTaggedForThisCluster",
        "ManageThisClustersDistributions",
      ]);
    });

    it("takes a bucket inside the prefix to Ready and deletes it again, refused nothing", async () => {
      const before = (await iamDecisions(env.awsEndpoint)).length;
      await apply("scoped", `${bucketPrefix}courses`, ["paid-students"]);
      const stored = recorded(await readyForGeneration("scoped"));
      expect((await associations(cloudFront, stored.distributionId)).functions).toEqual([stored.versionArn]);
      await deleteAndWait("scoped");
      const decisions = (await iamDecisions(env.awsEndpoint)).slice(before);
      expect(decisions.length).toBeGreaterThan(20);
      expect(decisions.filter((d) => d.decision !== "allow").map((d) => `${d.action} on ${d.resource}`)).toEqual([]);
    }, 90_000);

    it("refuses a bucket outside the prefix at the first call, so nothing is created for it", async () => {
      try {
        await apply("outside", "iam-outside-prefix", ["paid-students"]);
        const refused = await stalled("outside");
        expect(refused.reason).toBe("AccessDenied");
        expect(refused.message).toMatch(/^access denied for s3:GetBucketTagging: .* on resource: "arn:aws:s3:::iam-outside-prefix"/);
        const { distributionId, fn } = recorded(await get("outside"));
        expect([distributionId, fn.name]).toEqual(["", ""]);
      } finally {
        // Its deletion is refused too (releasing a claim reads the bucket's tags): once it is being deleted, so
        // that the operator adds no finalizer again, let it go without the operator.
        await kubectl(env, ["delete", "-n", namespace, "scb/outside", "--wait=false"]);
        await kubectl(env, ["patch", "-n", namespace, "scb/outside", "--type=merge", "-p", JSON.stringify({ metadata: { finalizers: null } })]);
        await kubectl(env, ["wait", "-n", namespace, "--for=delete", "scb/outside", "--timeout=30s"]);
      }
    });
  });
});

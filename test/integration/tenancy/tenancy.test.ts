// Tenancy against the real operator, kube-apiserver and emulator: a resource is admitted only by a class that
// allows its namespace, bucket, user pool and domains, and a bucket is touched only with its owners' consent.
// Every refusal happens before the first AWS call (or, for consent, after one read and before any write).
// The cases run in order: they share one operator and build on the classes and resources earlier ones made.
import { GetBucketPolicyCommand, GetBucketTaggingCommand, GetPublicAccessBlockCommand, S3Client } from "@aws-sdk/client-s3";
import { CloudFrontClient, GetDistributionConfigCommand } from "@aws-sdk/client-cloudfront";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { consentToConsumers, createEdgeRole, createPublicContentBucket } from "../../harness/aws-seed.ts";
import { seedUserPool } from "../../harness/cognito.ts";
import { awsClientConfig } from "../../harness/env.ts";
import { kubectl } from "../../harness/kubectl.ts";
import { waitFor } from "../../harness/wait.ts";
import { installCrd } from "../api/kube.ts";
import { isMutating, startTestOperator, useEmulator, type TestOperator } from "../reconcile/operator.ts";
import { apply, classObject, conditionsOf, resourceObject, waitForStalled, type ResourceOptions } from "./fixtures.ts";

const learning = "tenancy-learning";
const rival = "tenancy-rival";
const outsider = "tenancy-outsider";
const certificate = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666";

describe("tenancy: classes and bucket owner consent", { concurrent: false, shuffle: false }, () => {
  const env = inject("harness");
  const s3 = new S3Client(awsClientConfig(env));
  const cloudFront = new CloudFrontClient(awsClientConfig(env));
  let operator: TestOperator;
  let restoreEnv: () => void;
  let pool: { userPoolId: string; clientId: string };
  let refusedCount = 0;

  const coursesClass = (extra: { namePatterns?: string[]; defaults?: Record<string, unknown> } = {}): Record<string, unknown> =>
    classObject(
      "courses",
      {
        namespaces: { from: "Selector", selector: { matchLabels: { team: "learning" } } },
        buckets: { namePatterns: extra.namePatterns ?? ["courses-*"] },
        userPools: [pool.userPoolId],
        domains: { aliasSuffixes: ["courses.example.com"], certificateArns: [certificate] },
        ...(extra.defaults === undefined ? {} : { defaults: extra.defaults }),
      },
      true,
    );

  const options = (bucket: string, more: Partial<ResourceOptions> = {}): ResourceOptions => ({ bucket, userPoolId: pool.userPoolId, clientId: pool.clientId, ...more });

  /** The AWS calls made by the reconciles of one resource so far. */
  const callsOf = (namespace: string, name: string) =>
    operator.reconciles.filter((record) => record.key === `${namespace}/${name}`).flatMap((record) => record.calls);

  beforeAll(async () => {
    restoreEnv = useEmulator(env);
    await installCrd(env);
    // Classes are cluster-wide: the harness's permissive default class from earlier files must not admit anything here.
    await kubectl(env, ["delete", "scbclass", "--all", "--wait=true"]);
    await kubectl(env, ["create", "namespace", learning]);
    await kubectl(env, ["label", "namespace", learning, "team=learning"]);
    await kubectl(env, ["create", "namespace", rival]);
    await kubectl(env, ["label", "namespace", rival, "team=learning"]);
    await kubectl(env, ["create", "namespace", outsider]);
    pool = await seedUserPool(env, { poolName: "tenancy", groups: ["paid-students"], users: [] });
    const edgeRoleArn = await createEdgeRole(env);
    for (const bucket of ["courses-content", "courses-website", "payroll-exports"]) {
      await createPublicContentBucket(env, bucket, [{ key: "index.html", body: "<h1>hello</h1>", contentType: "text/html" }]);
    }
    operator = await startTestOperator(env, { edgeRoleArn, exposureResyncMs: 60_000, fullResyncMs: 60_000, deployingRequeueMs: 300, permissiveClass: false });
  });

  afterAll(async () => {
    await operator.stop();
    restoreEnv();
    await kubectl(env, ["delete", "scbclass", "--all", "--wait=true"]);
  });

  it("stalls NoClass without a class name and without a default class, making no AWS call", async () => {
    await apply(env, resourceObject("lessons", learning, options("courses-content")));
    const stalled = await waitForStalled(env, "lessons", learning, "NoClass");
    expect(stalled.message).toContain("spec.className");
    expect(callsOf(learning, "lessons")).toEqual([]);
  });

  it("re-reconciles when a default class appears; without the owners' consent it stalls BucketConsentMissing after one read", async () => {
    await apply(env, coursesClass());
    const stalled = await waitForStalled(env, "lessons", learning, "BucketConsentMissing");
    expect(stalled.message).toContain(`test/${learning}`);
    expect(stalled.message).toContain("securedcontent.io/allowed-consumers");
    expect(callsOf(learning, "lessons").filter((call) => isMutating(call.operation))).toEqual([]);
  });

  it("secures the bucket once its owners tag it with this cluster and namespace", async () => {
    // What the bucket's owners do (consentToConsumers returns once S3 shows the tag, which is eventually
    // consistent). The tag is not watched: any change to the resource, or the next resync, looks again.
    await consentToConsumers(env, "courses-content", [`other/${learning}`, `test/${learning}`]);
    await kubectl(env, ["annotate", "-n", learning, "scb/lessons", "example.com/touched=1"]);
    await kubectl(env, ["wait", "-n", learning, "--for=condition=Ready", "scb/lessons", "--timeout=55s"]);
    const tags = (await s3.send(new GetBucketTaggingCommand({ Bucket: "courses-content" }))).TagSet ?? [];
    expect(tags).toContainEqual({ Key: "securedcontent.io/allowed-consumers", Value: `other/${learning} test/${learning}` });
  }, 120_000);

  it("refuses the bucket takeover: another namespace naming a bucket without its consent changes nothing on it", async () => {
    const blockOf = (bucket: string): Promise<string> =>
      s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket })).then(
        (block) => JSON.stringify(block.PublicAccessBlockConfiguration),
        (error: unknown) => (error instanceof Error ? error.name : String(error)),
      );
    const policyBefore = (await s3.send(new GetBucketPolicyCommand({ Bucket: "courses-website" }))).Policy;
    const blockBefore = await blockOf("courses-website");
    await apply(env, resourceObject("takeover", rival, options("courses-website")));
    const stalled = await waitForStalled(env, "takeover", rival, "BucketConsentMissing");
    expect(stalled.message).toContain(`test/${rival}`);
    expect(callsOf(rival, "takeover").filter((call) => isMutating(call.operation))).toEqual([]);
    expect((await s3.send(new GetBucketPolicyCommand({ Bucket: "courses-website" }))).Policy).toBe(policyBefore);
    expect(await blockOf("courses-website")).toBe(blockBefore);
    // Public content stays public: the website still serves anonymous readers.
    expect((await fetch(`${env.awsEndpoint}/courses-website/index.html`)).status).toBe(200);
  });

  it("refuses a bucket that consents to another namespace without saying who holds it", async () => {
    await apply(env, resourceObject("copycat", rival, options("courses-content")));
    const stalled = await waitForStalled(env, "copycat", rival, "BucketConsentMissing");
    expect(stalled.message).not.toContain("lessons");
    expect(callsOf(rival, "copycat").filter((call) => isMutating(call.operation))).toEqual([]);
  });

  it.each([
    { rule: "a namespace the class does not select", namespace: outsider, bucket: "courses-content", more: {}, message: `class courses does not allow namespace ${outsider}` },
    { rule: "a bucket outside its patterns", namespace: learning, bucket: "payroll-exports", more: {}, message: "class courses does not allow bucket payroll-exports" },
    { rule: "a user pool it does not list", namespace: learning, bucket: "courses-content", more: { userPoolId: "us-east-1_Forged" }, message: "class courses does not allow user pool us-east-1_Forged" },
    {
      rule: "an alias outside its suffixes",
      namespace: learning,
      bucket: "courses-content",
      more: { distribution: { aliases: ["login.example.com"], acmCertificateArn: certificate } },
      message: "class courses does not allow alias login.example.com",
    },
    {
      rule: "a wildcard alias",
      namespace: learning,
      bucket: "courses-content",
      more: { distribution: { aliases: ["*.courses.example.com"], acmCertificateArn: certificate } },
      message: "class courses does not allow wildcard aliases",
    },
    {
      rule: "a certificate it does not list",
      namespace: learning,
      bucket: "courses-content",
      more: { distribution: { aliases: ["www.courses.example.com"], acmCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/ffff" } },
      message: "class courses does not allow certificate",
    },
  ])("stalls NotAllowed for $rule, naming the rule, with no AWS call", async ({ namespace, bucket, more, message }) => {
    refusedCount += 1;
    const name = `refused-${String(refusedCount)}`;
    await apply(env, resourceObject(name, namespace, options(bucket, more)));
    const stalled = await waitForStalled(env, name, namespace, "NotAllowed");
    expect(stalled.message).toContain(message);
    expect(callsOf(namespace, name)).toEqual([]);
  });

  it("stalls ClassNotFound for a class that does not exist", async () => {
    await apply(env, resourceObject("unknown-class", learning, options("courses-content", { className: "missing" })));
    await waitForStalled(env, "unknown-class", learning, "ClassNotFound");
    expect(callsOf(learning, "unknown-class")).toEqual([]);
  });

  it("looks again when a namespace's labels change: the class now selects it", async () => {
    await apply(env, resourceObject("late-joiner", outsider, options("courses-website")));
    await waitForStalled(env, "late-joiner", outsider, "NotAllowed");
    await kubectl(env, ["label", "namespace", outsider, "team=learning"]);
    // Allowed now, it meets the next rule: the website's owners have not consented.
    await waitForStalled(env, "late-joiner", outsider, "BucketConsentMissing");
  });

  it("looks again when the class changes: a pattern added lets the refused bucket through to the consent check", async () => {
    await apply(env, resourceObject("payroll", learning, options("payroll-exports")));
    await waitForStalled(env, "payroll", learning, "NotAllowed");
    await apply(env, coursesClass({ namePatterns: ["courses-*", "payroll-*"] }));
    await waitForStalled(env, "payroll", learning, "BucketConsentMissing");
  });

  it("reports the class Accepted, with the number of resources that use it", async () => {
    // Resources other test files left behind (their namespaces never finish terminating) count too, as the
    // operator resolves them to this default class as well; those being deleted are not admitted, so not counted.
    const stored = JSON.parse(await kubectl(env, ["get", "scb", "-A", "-o", "json"])) as { items: { metadata: { deletionTimestamp?: string }; spec: { className?: string } }[] };
    const using = stored.items.filter((item) => item.spec.className === undefined && item.metadata.deletionTimestamp === undefined).length;
    const count = await waitFor(
      async () => {
        const text = (await kubectl(env, ["get", "scbclass/courses", "-o", "jsonpath={.status.resourceCount}"])).trim();
        return text === String(using) ? text : undefined;
      },
      { what: `resourceCount ${String(using)}`, timeoutMs: 20_000, intervalMs: 200 },
    );
    expect(Number(count)).toBeGreaterThan(5);
    const accepted = (await conditionsOf(env, "scbclass", "courses")).find((condition) => condition.type === "Accepted");
    expect(accepted).toMatchObject({ status: "True", reason: "Accepted" });
    const columns = await kubectl(env, ["get", "scbclass"]);
    expect(columns).toMatch(/^NAME\s+ACCEPTED\s+CONSENT\s+RESOURCES\s+AGE\n/);
    expect(columns).toMatch(new RegExp(`\\ncourses\\s+True\\s+Required\\s+${String(using)}\\s+`));
  });

  it("refuses NoClass while two classes claim to be the default, and says so on both", async () => {
    await apply(env, classObject("second-default", { namespaces: { from: "All" }, buckets: { namePatterns: ["*"] }, userPools: [pool.userPoolId] }, true));
    // A new class re-reconciles every resource: which class is the default may have changed.
    const stalled = await waitForStalled(env, "payroll", learning, "NoClass");
    expect(stalled.message).toContain("courses, second-default");
    const accepted = await waitFor(
      async () => (await conditionsOf(env, "scbclass", "second-default")).find((condition) => condition.type === "Accepted" && condition.message.includes("2 classes")),
      { what: "the second default class to report the clash", timeoutMs: 20_000 },
    );
    expect(accepted.status).toBe("True");
    await kubectl(env, ["delete", "scbclass/second-default"]);
    await waitForStalled(env, "payroll", learning, "BucketConsentMissing");
  });

  it("deletes a refused resource at once: it never got a finalizer, so there is nothing in AWS to retire", async () => {
    expect((await kubectl(env, ["get", "-n", learning, "scb/unknown-class", "-o", "jsonpath={.metadata.finalizers}"])).trim()).toBe("");
    await kubectl(env, ["delete", "-n", learning, "scb/unknown-class", "--timeout=30s"]);
    expect(await kubectl(env, ["get", "-n", learning, "scb", "--field-selector", "metadata.name=unknown-class", "-o", "name"])).toBe("");
  });

  it("applies a class's new default to the resources that leave the field out, without a change to them", async () => {
    await kubectl(env, ["wait", "-n", learning, "--for=condition=Ready", "scb/lessons", "--timeout=55s"]);
    const id = (await kubectl(env, ["get", "-n", learning, "scb/lessons", "-o", "jsonpath={.status.distribution.id}"])).trim();
    await apply(env, coursesClass({ namePatterns: ["courses-*", "payroll-*"], defaults: { priceClass: "PriceClass_All" } }));
    const priceClass = await waitFor(
      async () => {
        const config = (await cloudFront.send(new GetDistributionConfigCommand({ Id: id }))).DistributionConfig;
        return config?.PriceClass === "PriceClass_All" ? config.PriceClass : undefined;
      },
      { what: "the distribution to take the class's default price class", timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(priceClass).toBe("PriceClass_All");
  });
});

// Subdomain capture: CloudFront routes a request to the distribution with the most specific matching alias,
// whatever DNS says, so `login.example.com` on a tenant's distribution would take traffic meant for the
// company's `*.example.com`. The operator asks CloudFront's ListConflictingAliases before it adds an alias and
// refuses an overlap with a distribution that is not the resource's own: Stalled AliasConflict, naming only
// the alias. An alias nobody else uses is added.
import { CloudFrontClient, GetDistributionCommand, paginateListDistributions } from "@aws-sdk/client-cloudfront";
import { S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createPublicContentBucket } from "../../harness/aws-seed.ts";
import { awsClientConfig } from "../../harness/env.ts";
import { kubectl } from "../../harness/kubectl.ts";
import { createDistribution, createLessonBucket, createOriginAccessControl, operatorDistributionConfig } from "../moto/fixtures.ts";
import { prepareLifecycle, type Lifecycle } from "../reconcile/lifecycle-fixtures.ts";
import { startTestOperator, type TestOperator } from "../reconcile/operator.ts";
import { apply, classObject } from "../tenancy/fixtures.ts";
import { applyOverExistingBucket, conditionOf, scbStatus } from "./trust-fixtures.ts";

const namespace = "trust-aliases";
const certificate = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

describe("aliases that overlap another distribution's", { concurrent: false, shuffle: false }, () => {
  const env = inject("harness");
  const cloudFront = new CloudFrontClient(awsClientConfig(env));
  const s3 = new S3Client(awsClientConfig(env));
  let lifecycle: Lifecycle;
  let operator: TestOperator;
  let website = "";

  beforeAll(async () => {
    lifecycle = await prepareLifecycle(env, namespace, "trust-aliases");
    // The class must allow the aliases for the overlap check to be reached: CloudFront's answer, not the class's
    // domain rules, is what this file tests.
    await kubectl(env, ["delete", "scbclass", "--all", "--wait=true"]);
    await apply(
      env,
      classObject(
        "aliases",
        {
          namespaces: { from: "All" },
          buckets: { namePatterns: ["*"], ownerConsent: "Waived" },
          userPools: ["*"],
          domains: { aliasSuffixes: ["example.com", "example.org"], certificateArns: [certificate] },
        },
        true,
      ),
    );
    operator = await startTestOperator(env, { edgeRoleArn: lifecycle.edgeRoleArn, exposureResyncMs: 60_000, fullResyncMs: 600_000, deployingRequeueMs: 300, permissiveClass: false });
    // The company website, made outside the operator, serves every subdomain of example.com.
    await createLessonBucket(s3, "company-site");
    const oac = await createOriginAccessControl(cloudFront, "company-site-oac");
    const config = operatorDistributionConfig({ callerReference: "terraform-www", bucket: "company-site", originAccessControlId: oac.id });
    website = (
      await createDistribution(cloudFront, {
        ...config,
        Aliases: { Quantity: 1, Items: ["*.example.com"] },
        ViewerCertificate: { ACMCertificateArn: certificate, SSLSupportMethod: "sni-only", MinimumProtocolVersion: "TLSv1.2_2021" },
      })
    ).id;
  });

  afterAll(async () => {
    await operator.stop();
    await kubectl(env, ["delete", "scbclass", "aliases", "--wait=true"]);
    lifecycle.restore();
    cloudFront.destroy();
    s3.destroy();
  });

  async function applyWithAliases(name: string, bucket: string, aliases: readonly string[]): Promise<void> {
    await createPublicContentBucket(env, bucket, [{ key: "a.txt", body: "a", contentType: "text/plain" }]);
    await applyOverExistingBucket(env, { object: `${namespace}/${name}`, bucket, pool: lifecycle.pool, distribution: { aliases, acmCertificateArn: certificate } });
  }

  /** Every alias on every distribution but the company's. */
  async function aliasesInUse(): Promise<string[]> {
    const aliases: string[] = [];
    for await (const page of paginateListDistributions({ client: cloudFront }, {})) {
      for (const item of page.DistributionList?.Items ?? []) if (item.Id !== website) aliases.push(...(item.Aliases?.Items ?? []));
    }
    return aliases;
  }

  it("refuses login.example.com, which *.example.com of a distribution it does not own covers", async () => {
    await applyWithAliases("login", "trust-login-content", ["login.example.com"]);
    await kubectl(env, ["wait", "-n", namespace, "--for=condition=Stalled", "scb/login", "--timeout=60s"]);
    const stalled = conditionOf(await scbStatus(env, namespace, "login"), "Stalled");
    expect(stalled?.reason).toBe("AliasConflict");
    expect(stalled?.message).toContain("alias login.example.com");
    expect(stalled?.message).not.toContain(website);
    expect(stalled?.message).not.toContain("*.example.com");
    expect(await aliasesInUse()).not.toContain("login.example.com");
    // The company's distribution is as it was.
    const company = await cloudFront.send(new GetDistributionCommand({ Id: website }));
    expect(company.Distribution?.DistributionConfig?.Aliases?.Items).toEqual(["*.example.com"]);
  });

  it("adds an alias that overlaps nobody's", async () => {
    await applyWithAliases("courses", "trust-courses-content", ["courses.example.org"]);
    await kubectl(env, ["wait", "-n", namespace, "--for=condition=Ready", "scb/courses", "--timeout=60s"]);
    const id = (await scbStatus(env, namespace, "courses")).distribution?.id ?? "";
    const live = await cloudFront.send(new GetDistributionCommand({ Id: id }));
    expect(live.Distribution?.DistributionConfig?.Aliases?.Items).toEqual(["courses.example.org"]);
    expect(operator.calls.calls.filter((call) => call.operation === "ListConflictingAliases").length).toBeGreaterThanOrEqual(2);
  });
});
